using System.Text.Json;
using Agents.Safety.StructuredOutput;
using Agents.Testing;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class GenerateJsonTests
{
    private const GeneratorCapabilities Native = GeneratorCapabilities.Streaming | GeneratorCapabilities.JsonSchema;

    private static readonly JsonElement PersonSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"name":{"type":"string","maxLength":10},"age":{"type":"integer","minimum":0}},"required":["name","age"]}
        """).RootElement.Clone();

    public sealed record Person(string Name, int Age);

    private static GenerationRequest Ask() => new([Message.User("Who?")], new GenerationOptions { MaxTokens = 50, Temperature = 0.5f });

    [Fact]
    public async Task GenerateJsonAsync_ValidFirstAnswer_ReturnsItAndSendsSchemaAsResponseFormat()
    {
        var generator = ScriptedGenerator.Create(Native, """{"name":"Ada","age":36}""");
        var request = Ask();

        var json = await generator.GenerateJsonAsync(request, PersonSchema, new StructuredOutputOptions { SchemaName = "person" });

        Assert.Equal("Ada", json.GetProperty("name").GetString());
        var sent = Assert.Single(generator.Requests);
        Assert.Equal(ResponseFormatKind.JsonSchema, sent.Options!.ResponseFormat!.Kind);
        Assert.Equal("person", sent.Options.ResponseFormat.SchemaName);
        Assert.Equal(0.5f, sent.Options.Temperature);
        Assert.Single(sent.Messages); // natively supported: no schema in the prompt
        Assert.Null(request.Options!.ResponseFormat); // the caller's request is untouched
        Assert.Equal(ResponseFormatSupport.Honoured, generator.GetObservedResponseFormatSupport());
    }

    [Fact]
    public async Task GenerateJsonAsync_Typed_SchemaFromTypeAndDeserialized()
    {
        var generator = ScriptedGenerator.Create(Native, """{"name":"Bo","age":7}""");

        var person = await generator.GenerateJsonAsync<Person>(Ask());

        Assert.Equal(new Person("Bo", 7), person);
        var schema = generator.Requests[0].Options!.ResponseFormat!.Schema!.Value;
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.True(schema.GetProperty("properties").TryGetProperty("age", out _));
    }

    [Fact]
    public async Task GenerateJsonAsync_InvalidThenValid_RepairsWithTheErrorsFedBack()
    {
        var generator = ScriptedGenerator.Create(Native, "Sure! Here it is", """{"name":"Ada","age":-3}""", """{"name":"Ada","age":3}""");

        var json = await generator.GenerateJsonAsync(Ask(), PersonSchema);

        Assert.Equal(3, json.GetProperty("age").GetInt32());
        Assert.Equal(3, generator.Requests.Count);
        var second = generator.Requests[1].Messages;
        Assert.Equal("Sure! Here it is", second[^2].Text);
        Assert.Equal(MessageRole.Assistant, second[^2].Role);
        Assert.Contains("not JSON", second[^1].Text, StringComparison.Ordinal);
        var third = generator.Requests[2].Messages;
        Assert.Contains("/age", third[^1].Text, StringComparison.Ordinal);
        Assert.Contains("minimum", third[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateJsonAsync_AttemptsRunOut_ThrowsWithEveryError()
    {
        var generator = ScriptedGenerator.Create(Native, """{"name":"Ada"}""", """{"name":12345678901,"age":"x"}""");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => generator.GenerateJsonAsync(Ask(), PersonSchema, new StructuredOutputOptions { MaxAttempts = 2 }));

        Assert.Equal("json-schema", ex.Validator);
        Assert.Contains(ex.Violations, v => v.StartsWith("attempt 1:", StringComparison.Ordinal) && v.Contains("age", StringComparison.Ordinal));
        Assert.True(ex.Violations.Count(v => v.StartsWith("attempt 2:", StringComparison.Ordinal)) >= 2);
        Assert.Equal(2, generator.Requests.Count);
    }

    [Fact]
    public async Task GenerateJsonAsync_ValueMatchingTwoOneOfBranches_IsRejectedAndRepaired()
    {
        // The local grammar treats oneOf as anyOf (docs/structured-output.md); exclusivity is the validator's job.
        var schema = JsonDocument.Parse("""
            {"oneOf":[{"type":"integer"},{"type":"number","minimum":0}]}
            """).RootElement;
        var generator = ScriptedGenerator.Create(Native, "5", "-2");

        var json = await generator.GenerateJsonAsync(Ask(), schema);

        Assert.Equal(-2, json.GetInt32());
        Assert.Equal(2, generator.Requests.Count);
        Assert.Contains("(oneOf)", generator.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateJsonAsync_NestedValueMatchingTwoOneOfBranches_ErrorNamesItsLocation()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"n":{"oneOf":[{"type":"integer"},{"minimum":0},{"type":"string"}]}},"required":["n"]}
            """).RootElement;
        var generator = ScriptedGenerator.Create(Native, """{"n":5}""");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => generator.GenerateJsonAsync(Ask(), schema, new StructuredOutputOptions { MaxAttempts = 1 }));

        Assert.Contains(ex.Violations, v => v.Contains("/n: the value matches 2 branches of oneOf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateJsonAsync_PatternStringOverMaxLength_IsRejectedAndRepaired()
    {
        // The local grammar does not bound a pattern string by maxLength (docs/structured-output.md); validation does.
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]+$","maxLength":4}},"required":["code"]}
            """).RootElement;
        var generator = ScriptedGenerator.Create(Native, """{"code":"ABCDEFG"}""", """{"code":"ABCD"}""");

        var json = await generator.GenerateJsonAsync(Ask(), schema);

        Assert.Equal("ABCD", json.GetProperty("code").GetString());
        Assert.Equal(2, generator.Requests.Count);
        Assert.Contains("maxLength", generator.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateJsonAsync_TypedJsonThatDoesNotDeserialize_CountsAsInvalid()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        var generator = ScriptedGenerator.Create(Native, "{}");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => generator.GenerateJsonAsync<Person>(Ask(), new StructuredOutputOptions { MaxAttempts = 1 }));

        Assert.Contains(ex.Violations, v => v.Contains("age", StringComparison.OrdinalIgnoreCase) || v.Contains("Person", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Object, schema.ValueKind);
    }

    [Fact]
    public async Task GenerateJsonAsync_CodeFenceAroundJson_Accepted()
    {
        var generator = ScriptedGenerator.Create(Native, "```json\n{\"name\":\"Ada\",\"age\":1}\n```");

        var json = await generator.GenerateJsonAsync(Ask(), PersonSchema);

        Assert.Equal(1, json.GetProperty("age").GetInt32());
    }

    [Fact]
    public async Task GenerateJsonAsync_ServerIgnoresFormat_DetectedAndSchemaPutInPromptFromThenOn()
    {
        // A server that answers 200 with unconstrained text despite the response format.
        var generator = ScriptedGenerator.Create(Native, "I am a free-text model.", """{"name":"Ada","age":1}""", """{"name":"Bo","age":2}""");

        var first = await generator.GenerateJsonAsync(Ask(), PersonSchema);
        Assert.Equal(ResponseFormatSupport.Ignored, generator.GetObservedResponseFormatSupport());
        var second = await generator.GenerateJsonAsync(Ask(), PersonSchema);

        Assert.Equal("Ada", first.GetProperty("name").GetString());
        Assert.Equal("Bo", second.GetProperty("name").GetString());
        Assert.Single(generator.Requests[0].Messages);
        var later = generator.Requests[2].Messages;
        Assert.Equal(MessageRole.System, later[0].Role);
        Assert.Contains("\"maxLength\":10", later[0].Text, StringComparison.Ordinal);
        Assert.Equal(ResponseFormatSupport.Ignored, generator.GetObservedResponseFormatSupport());
    }

    [Fact]
    public async Task GenerateJsonAsync_BackendReportsFormatIgnored_RecordedEvenWhenJsonIsValid()
    {
        var generator = new TestGenerator
        {
            Metadata = new GeneratorMetadata("anthropic", "m", 4096, GeneratorCapabilities.Streaming),
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("""{"name":"Ada","age":1}""")
            {
                AdditionalProperties = new Dictionary<string, object?> { ["agents.ignored_options"] = new[] { "ResponseFormat" } },
            }),
        };

        await generator.GenerateJsonAsync(Ask(), PersonSchema);

        Assert.Equal(ResponseFormatSupport.Ignored, generator.GetObservedResponseFormatSupport());
        // Not advertising JSON-schema support: the schema went into the prompt from the first attempt.
        Assert.Contains("JSON schema", generator.Requests[0].Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateJsonAsync_ExistingSystemMessage_SchemaAppendedToIt()
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.None, """{"name":"Ada","age":1}""");
        var request = new GenerationRequest([Message.System("Be terse."), Message.User("Who?")]);

        await generator.GenerateJsonAsync(request, PersonSchema, new StructuredOutputOptions { AlwaysIncludeSchemaInPrompt = true });

        var sent = generator.Requests[0].Messages;
        Assert.Equal(2, sent.Count);
        Assert.StartsWith("Be terse.", sent[0].Text, StringComparison.Ordinal);
        Assert.Contains("conforms to this JSON schema", sent[0].Text, StringComparison.Ordinal);
        Assert.Equal("Be terse.", request.Messages[0].Text);
    }

    [Fact]
    public async Task GenerateJsonAsync_Cancelled_Throws()
    {
        var generator = ScriptedGenerator.Create(Native, "{}");
        using var cts = new CancellationTokenSource();
        generator.GenerateAsyncCallback = (_, ct) => Task.FromCanceled<GenerationResult>(ct.IsCancellationRequested ? ct : new CancellationToken(true));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateJsonAsync(Ask(), PersonSchema, cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public async Task GenerateJsonAsync_BadMaxAttempts_ArgumentException(int attempts)
    {
        var generator = ScriptedGenerator.Create(Native, "{}");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateJsonAsync(Ask(), PersonSchema, new StructuredOutputOptions { MaxAttempts = attempts }));

        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
    }
}
