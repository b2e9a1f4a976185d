using System.Text.RegularExpressions;
using System.Text.Json;
using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

public sealed class ValidatorTests
{
    private static ValidationContext Context(string text, GenerationRequest? request = null, ITokenizer? tokenizer = null) =>
        new(text, request ?? GenerationRequest.FromPrompt("question"), tokenizer);

    [Fact]
    public async Task PiiOutputValidator_Email_ViolationIsLocatedAndLabelled()
    {
        var validator = new PiiOutputValidator();

        var violation = Assert.Single(await validator.ValidateAsync(Context("Mail <a@b.example> now")));

        Assert.Equal("email", violation.Code);
        Assert.Equal(6, violation.Start);
        Assert.Equal(11, violation.Length);
        Assert.Equal("[REDACTED:EMAIL]", violation.Replacement);
        Assert.DoesNotContain("a@b.example", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void PiiOutputValidator_NoKinds_Throws() =>
        Assert.Throws<ArgumentException>(() => new PiiOutputValidator(PiiKinds.None));

    [Theory]
    [InlineData("That is a RÉSUMÉ of the plan.", true)]
    [InlineData("That is a resume of the plan.", true)]
    [InlineData("We resumed the plan.", false)]
    [InlineData("Presume nothing.", false)]
    [InlineData("Deep   Learning works.", true)]
    [InlineData("deeplearning works.", false)]
    [InlineData("ＲＥＳＵＭＥ in fullwidth", true)]
    public async Task BlocklistOutputValidator_WholeWordCaseAndAccentInsensitive(string text, bool blocked)
    {
        var validator = new BlocklistOutputValidator(["résumé", "deep learning"]);

        var violations = await validator.ValidateAsync(Context(text));

        Assert.Equal(blocked, violations.Count > 0);
    }

    [Fact]
    public void BlocklistOutputValidator_Scan_SpanCoversTheOriginalAccentedText()
    {
        var validator = new BlocklistOutputValidator(["cafe"]);
        const string text = "Le Café ouvre.";

        var violation = Assert.Single(validator.Scan(text));

        Assert.Equal("Café", text.Substring(violation.Start, violation.Length));
    }

    [Fact]
    public void BlocklistOutputValidator_OnlyBlankTerms_Throws() =>
        Assert.Throws<ArgumentException>(() => new BlocklistOutputValidator([" ", ""]));

    [Fact]
    public async Task RegexOutputValidator_MustMatch_FailsWhenAbsent()
    {
        var validator = RegexOutputValidator.MustMatch(@"^Answer:", "the answer must start with 'Answer:'");

        Assert.Empty(await validator.ValidateAsync(Context("Answer: 42")));
        var violation = Assert.Single(await validator.ValidateAsync(Context("42")));
        Assert.Equal("the answer must start with 'Answer:'", violation.Description);
        Assert.False(violation.HasSpan);
    }

    [Fact]
    public async Task RegexOutputValidator_MustNotMatch_ReportsEveryMatchLocated()
    {
        var validator = RegexOutputValidator.MustNotMatch(@"\bTODO\b", maxMatchLength: 4);

        var violations = await validator.ValidateAsync(Context("TODO one, TODO two"));

        Assert.Equal([0, 10], violations.Select(v => v.Start));
        Assert.All(violations, v => Assert.Equal(4, v.Length));
        Assert.Equal(4, validator.MaxViolationLength);
    }

    [Fact]
    public void RegexOutputValidator_BuildsCompiledPatterns_KeepingTheCallersOptions()
    {
        var mustNot = RegexOutputValidator.MustNotMatch("todo", options: RegexOptions.IgnoreCase);
        var must = RegexOutputValidator.MustMatch("x");

        Assert.True(mustNot.Pattern.Options.HasFlag(RegexOptions.Compiled));
        Assert.True(mustNot.Pattern.Options.HasFlag(RegexOptions.IgnoreCase));
        Assert.True(must.Pattern.Options.HasFlag(RegexOptions.Compiled));
        Assert.Single(mustNot.Scan("a TODO here"));
    }

    [Fact]
    public void RegexOutputValidator_MustNotMatch_CleanTextGivesNoViolations_AndMatchAtEndIsLocated()
    {
        var validator = RegexOutputValidator.MustNotMatch(@"\bFIXME\b", maxMatchLength: 5);

        Assert.Empty(validator.Scan("nothing to see here"));
        var violation = Assert.Single(validator.Scan("done, FIXME"));
        Assert.Equal((6, 5), (violation.Start, violation.Length));
    }

    [Fact]
    public void RegexOutputValidator_InvalidPattern_ThrowsNamingThePattern()
    {
        var error = Assert.Throws<ArgumentException>(() => RegexOutputValidator.MustMatch("(unclosed"));

        Assert.Equal("pattern", error.ParamName);
    }

    [Fact]
    public void RegexOutputValidator_MustNotMatchZeroWindow_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RegexOutputValidator.MustNotMatch("x", maxMatchLength: 0));

    [Fact]
    public async Task LengthOutputValidator_Characters_ChecksBothBounds()
    {
        var validator = new LengthOutputValidator(minCharacters: 3, maxCharacters: 5);

        Assert.Equal("min-characters", Assert.Single(await validator.ValidateAsync(Context("ab"))).Code);
        Assert.Empty(await validator.ValidateAsync(Context("abc")));
        Assert.Empty(await validator.ValidateAsync(Context("abcde")));
        Assert.Equal("max-characters", Assert.Single(await validator.ValidateAsync(Context("abcdef"))).Code);
    }

    [Fact]
    public async Task LengthOutputValidator_TokensWithTokenizer_UsesTheTokenizer()
    {
        var validator = new LengthOutputValidator(maxTokens: 2);

        // Three words: the word tokenizer counts 3 > 2, while the estimate (12 chars / 4 = 3) would too; use a text where they differ.
        var violations = await validator.ValidateAsync(Context("a b c", tokenizer: new WordTokenizer()));
        var estimated = await validator.ValidateAsync(Context("a b c"));

        Assert.Equal("max-tokens", Assert.Single(violations).Code);
        Assert.DoesNotContain("estimated", violations[0].Description, StringComparison.Ordinal);
        Assert.Empty(estimated); // 5 characters estimate to 2 tokens.
    }

    [Fact]
    public async Task LengthOutputValidator_TokensWithoutTokenizer_EstimatesFourCharactersPerToken()
    {
        var validator = new LengthOutputValidator(minTokens: 3);

        Assert.Single(await validator.ValidateAsync(Context("12345678")));
        Assert.Empty(await validator.ValidateAsync(Context("123456789")));
        Assert.Contains("estimated", (await validator.ValidateAsync(Context("1")))[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void LengthOutputValidator_BadBounds_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new LengthOutputValidator(minCharacters: 10, maxCharacters: 5, maxTokens: -1));

        Assert.Contains("minCharacters (10) exceeds maxCharacters (5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxTokens must be at least 0", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LengthOutputValidator());
    }

    private const string PersonSchema = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name","age"]}
        """;

    [Fact]
    public async Task JsonSchemaOutputValidator_ConformingJson_Passes()
    {
        var validator = JsonSchemaOutputValidator.FromText(PersonSchema);

        Assert.Empty(await validator.ValidateAsync(Context("""{"name":"Ada","age":36}""")));
        Assert.Empty(await validator.ValidateAsync(Context("```json\n{\"name\":\"Ada\",\"age\":36}\n```")));
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_SchemaErrors_NameTheLocation()
    {
        var validator = JsonSchemaOutputValidator.FromText(PersonSchema);

        var violations = await validator.ValidateAsync(Context("""{"name":"Ada","age":-1}"""));

        var violation = Assert.Single(violations);
        Assert.Equal("schema", violation.Code);
        Assert.Contains("/age", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_MissingProperty_Fails()
    {
        var validator = JsonSchemaOutputValidator.FromText(PersonSchema);

        var violations = await validator.ValidateAsync(Context("""{"name":"Ada"}"""));

        Assert.Contains(violations, v => v.Description.Contains("required", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_NotJson_SaysWhere()
    {
        var validator = JsonSchemaOutputValidator.FromText(PersonSchema);

        var violation = Assert.Single(await validator.ValidateAsync(Context("{\"name\": ")));

        Assert.Equal("invalid-json", violation.Code);
        Assert.Contains("line 1", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_CodeFenceNotAllowed_FailsFencedJson()
    {
        var validator = JsonSchemaOutputValidator.FromText(PersonSchema);
        var strict = JsonSchemaOutputValidator.FromText(PersonSchema, allowCodeFence: false);

        Assert.Empty(await validator.ValidateAsync(Context("```\n{\"name\":\"A\",\"age\":1}\n```")));
        Assert.Single(await strict.ValidateAsync(Context("```\n{\"name\":\"A\",\"age\":1}\n```")));
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_FromRequest_UsesTheResponseFormatSchema()
    {
        var validator = JsonSchemaOutputValidator.FromRequest();
        using var schema = JsonDocument.Parse(PersonSchema);
        var request = GenerationRequest.FromPrompt("q", new GenerationOptions { ResponseFormat = ResponseFormat.ForJsonSchema(schema.RootElement.Clone()) });

        Assert.Empty(await validator.ValidateAsync(Context("""{"name":"A","age":1}""", request)));
        Assert.NotEmpty(await validator.ValidateAsync(Context("""{"name":"A"}""", request)));
        Assert.Empty(await validator.ValidateAsync(Context("""{"anything":true}""")));
        Assert.NotEmpty(await validator.ValidateAsync(Context("not json")));
    }

    [Fact]
    public void JsonSchemaOutputValidator_InvalidSchema_Throws() =>
        Assert.Throws<ArgumentException>(() => JsonSchemaOutputValidator.FromText("{not a schema"));

    private static GenerationRequest RagRequest(int passages) => new(
    [
        Message.System("Answer using only the numbered sources below.\n\n"
            + string.Join("\n\n", Enumerable.Range(1, passages).Select(n => $"[{n}] doc{n}.md (characters 0-10)\nText {n}."))),
        Message.User("What is it?"),
    ]);

    [Fact]
    public async Task GroundednessOutputValidator_CitationsOfProvidedPassages_Pass()
    {
        var validator = new GroundednessOutputValidator();

        Assert.Empty(await validator.ValidateAsync(Context("It is blue [1]. It is round [2][3]. Both [1-3].", RagRequest(3))));
    }

    [Fact]
    public async Task GroundednessOutputValidator_UnknownPassage_IsAViolationAtTheMarker()
    {
        var validator = new GroundednessOutputValidator();
        const string answer = "It is blue [1, 7].";

        var violation = Assert.Single(await validator.ValidateAsync(Context(answer, RagRequest(2))));

        Assert.Equal("unknown-source", violation.Code);
        Assert.Contains("[7]", violation.Description, StringComparison.Ordinal);
        Assert.Equal("[1, 7]", answer.Substring(violation.Start, violation.Length));
    }

    [Fact]
    public async Task GroundednessOutputValidator_NoPassagesProvided_AnyCitationFails()
    {
        var validator = new GroundednessOutputValidator();

        var violation = Assert.Single(await validator.ValidateAsync(Context("Blue [1].")));

        Assert.Contains("no sources were provided", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroundednessOutputValidator_EverySentence_FlagsTheUncitedOneOnly()
    {
        var validator = new GroundednessOutputValidator { RequireCitationPerSentence = true };
        const string answer = "The kettle needs descaling monthly. [1] Vinegar works well for this job [2]. It is also cheaper than tablets. Yes.";

        var violation = Assert.Single(await validator.ValidateAsync(Context(answer, RagRequest(2))));

        Assert.Equal("uncited-sentence", violation.Code);
        Assert.Equal("It is also cheaper than tablets.", answer.Substring(violation.Start, violation.Length));
    }

    [Fact]
    public async Task GroundednessOutputValidator_RequireAtLeastOne_FailsUncitedAnswer()
    {
        var validator = new GroundednessOutputValidator { RequireAtLeastOneCitation = true };

        Assert.Equal("no-citation", Assert.Single(await validator.ValidateAsync(Context("No idea.", RagRequest(1)))).Code);
        Assert.Empty(await new GroundednessOutputValidator().ValidateAsync(Context("No idea.", RagRequest(1))));
    }

    [Fact]
    public async Task GroundednessOutputValidator_CustomPassageNumbers_AreUsedInsteadOfTheRequest()
    {
        var validator = new GroundednessOutputValidator { PassageNumbers = _ => [5] };

        Assert.Empty(await validator.ValidateAsync(Context("See [5].", RagRequest(1))));
        Assert.Single(await validator.ValidateAsync(Context("See [1].", RagRequest(1))));
    }

    private sealed class WordTokenizer : ITokenizer
    {
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) =>
            [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length)];

        public string Decode(IEnumerable<int> tokens) => string.Join(' ', tokens);

        public int CountTokens(string text) => Encode(text).Count;
    }
}
