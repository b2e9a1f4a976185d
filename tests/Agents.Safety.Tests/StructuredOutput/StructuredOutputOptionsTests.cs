using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agents.Safety.StructuredOutput;
using Agents.Testing;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class StructuredOutputOptionsTests
{
    private const GeneratorCapabilities Native = GeneratorCapabilities.Streaming | GeneratorCapabilities.JsonSchema;

    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public sealed record Named(string FullName, int Age);

    private static GenerationRequest Ask() => new([Message.User("Who?")]);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void Validate_MaxAttemptsInRange_Accepted(int attempts)
    {
        Assert.Null(Record.Exception(() => new StructuredOutputOptions { MaxAttempts = attempts }.Validate()));
    }

    [Fact]
    public void Validate_EveryBadOption_NamedInOneMessage()
    {
        var options = new StructuredOutputOptions { MaxAttempts = 11, SchemaName = " ", SerializerOptions = null! };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(
            "Invalid StructuredOutputOptions: MaxAttempts must be between 1 and 10 (was 11). SchemaName must not be empty. SerializerOptions must not be null.",
            ex.Message);
    }

    [Fact]
    public async Task GenerateJsonAsync_TenAttemptsAllowed_TriesTenTimes()
    {
        var generator = ScriptedGenerator.Create(Native, "nope");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(
            () => generator.GenerateJsonAsync(Ask(), JsonDocument.Parse("{}").RootElement, new StructuredOutputOptions { MaxAttempts = 10 }));

        Assert.Equal(10, generator.Requests.Count);
        Assert.Equal("attempt 10: the answer is not JSON: 'nope'", ex.Violations[^1]);
    }

    [Fact]
    public async Task GenerateJsonAsync_DefaultOptions_CheckFormats()
    {
        var schema = JsonDocument.Parse("""{"type":"string","format":"email"}""").RootElement;
        var generator = ScriptedGenerator.Create(Native, "\"not an address\"");

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateJsonAsync(Ask(), schema));

        Assert.Equal(3, ex.Violations.Count);
        Assert.Equal("attempt 1: (root): Value does not match format \"email\" (format)", ex.Violations[0]);
    }

    [Fact]
    public async Task GenerateJsonAsync_FormatsOff_AcceptsAnyString()
    {
        var schema = JsonDocument.Parse("""{"type":"string","format":"email"}""").RootElement;
        var generator = ScriptedGenerator.Create(Native, "\"not an address\"");

        var json = await generator.GenerateJsonAsync(Ask(), schema, new StructuredOutputOptions { ValidateFormats = false });

        Assert.Equal("not an address", json.GetString());
    }

    [Fact]
    public void SchemaFor_FollowsTheSerializerNaming_WebByDefault()
    {
        var snake = GeneratorStructuredOutputExtensions.SchemaFor<Named>(SnakeCase).GetProperty("properties");
        var web = GeneratorStructuredOutputExtensions.SchemaFor<Named>().GetProperty("properties");

        Assert.Equal(["full_name", "age"], snake.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["fullName", "age"], web.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task GenerateJsonAsync_Typed_UsesTheOptionsSerializerForSchemaAndValue()
    {
        var generator = ScriptedGenerator.Create(Native, """{"full_name":"Ada Lovelace","age":36}""");

        var value = await generator.GenerateJsonAsync<Named>(Ask(), new StructuredOutputOptions { SerializerOptions = SnakeCase });

        Assert.Equal(new Named("Ada Lovelace", 36), value);
        var sent = generator.Requests[0].Options!.ResponseFormat!.Schema!.Value;
        Assert.True(sent.GetProperty("properties").TryGetProperty("full_name", out _));
    }

    [Fact]
    public async Task StreamJsonAsync_Typed_UsesTheOptionsSerializerForSchemaAndValue()
    {
        var generator = ScriptedGenerator.Create(Native, """{"full_name":"Ada Lovelace","age":36}""");
        StructuredUpdate<Named>? last = null;

        await foreach (var update in generator.StreamJsonAsync<Named>(Ask(), new StructuredOutputOptions { SerializerOptions = SnakeCase }))
        {
            last = update;
        }

        Assert.True(last!.IsFinal);
        Assert.Equal(new Named("Ada Lovelace", 36), last.Value);
        var sent = generator.Requests[0].Options!.ResponseFormat!.Schema!.Value;
        Assert.True(sent.GetProperty("properties").TryGetProperty("full_name", out _));
    }

    [Fact]
    public async Task GenerateJsonAsync_TrueSchema_SentAsAnEmptyObjectSchema()
    {
        var generator = ScriptedGenerator.Create(Native, "[1,\"x\"]");

        var json = await generator.GenerateJsonAsync(Ask(), JsonDocument.Parse("true").RootElement);

        Assert.Equal(2, json.GetArrayLength());
        Assert.Equal("{}", generator.Requests[0].Options!.ResponseFormat!.Schema!.Value.GetRawText());
    }

    [Fact]
    public async Task GenerateJsonAsync_NoMessages_SchemaInstructionBecomesTheOnlyMessage()
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.None, "{}");

        await generator.GenerateJsonAsync(new GenerationRequest([]), JsonDocument.Parse("""{"type":"object"}""").RootElement);

        var sent = Assert.Single(generator.Requests[0].Messages);
        Assert.Equal(MessageRole.System, sent.Role);
        Assert.EndsWith("conforms to this JSON schema:\n{\"type\":\"object\"}", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamJsonAsync_FormatReportedIgnoredMidStream_RecordedFromTheLastReport()
    {
        // The last update that carries properties counts, even when later updates carry none.
        var generator = new TestGenerator
        {
            Metadata = new GeneratorMetadata("test", "m", 4096, Native),
            StreamAsyncCallback = (_, ct) => Updates(ct),
        };
        var updates = new List<StructuredUpdate<JsonElement>>();

        await foreach (var update in generator.StreamJsonAsync(Ask(), JsonDocument.Parse("{}").RootElement))
        {
            updates.Add(update);
        }

        Assert.True(updates[^1].IsFinal);
        Assert.Equal(ResponseFormatSupport.Ignored, generator.GetObservedResponseFormatSupport());

        static async IAsyncEnumerable<GenerationUpdate> Updates([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return new GenerationUpdate { Text = """{"a":""", AdditionalProperties = new Dictionary<string, object?> { ["other"] = 1 } };
            yield return new GenerationUpdate
            {
                Text = "1}",
                AdditionalProperties = new Dictionary<string, object?> { ["agents.ignored_options"] = new[] { "ResponseFormat" } },
            };
            yield return new GenerationUpdate { FinishReason = FinishReason.Stop };
        }
    }

    [Fact]
    public async Task StreamJsonAsync_FormatHonoured_RecordedWhenNoUpdateReportsIt()
    {
        var generator = ScriptedGenerator.Create(Native, """{"a":1}""");

        await foreach (var _ in generator.StreamJsonAsync(Ask(), JsonDocument.Parse("{}").RootElement))
        {
        }

        Assert.Equal(ResponseFormatSupport.Honoured, generator.GetObservedResponseFormatSupport());
    }

    [Fact]
    public async Task StreamJsonAsync_PartialsShownOnlyWhenTheyChange()
    {
        var generator = ScriptedGenerator.Create(Native, """Ok: {"title":"Hi","n":[1,2]}""");
        var partials = new List<string>();

        await foreach (var update in generator.StreamJsonAsync(Ask(), JsonDocument.Parse("{}").RootElement))
        {
            if (!update.IsFinal)
            {
                partials.Add(update.Partial.GetRawText());
            }
        }

        Assert.Equal(
            // Chunks of three characters: "Ok:", " {\"", "tit", ... ":[1", ",2]", "}"; unchanged completions are not repeated.
            ["{}", """{"title":"H"}""", """{"title":"Hi"}""", """{"title":"Hi","n":[1]}""", """{"title":"Hi","n":[1,2]}"""],
            partials);
    }
}
