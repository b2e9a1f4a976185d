using System.Text;
using Agents.Safety.Guards;
using Agents.Safety.Tests.Validation;
using Agents.Safety.Validation;

namespace Agents.Safety.Tests;

public partial class HostileInputTests
{
    [Fact]
    public void PiiDetector_MegabyteOfDigitsAndSeparators_CompletesWithBoundedFinds()
    {
        var text = string.Concat(Enumerable.Repeat("1234 5678-9", 100_000));

        var found = new PiiDetector().Find(text);

        Assert.All(found, m => Assert.True(m.Length <= PiiDetector.MaxMatchLength * 2));
    }

    [Fact]
    public void PromptInjectionScorer_LargeRandomBase64_IsNotAnInjection()
    {
        var bytes = new byte[150_000];
        new Random(7).NextBytes(bytes);

        var assessment = PromptInjectionScorer.Default.Score(Convert.ToBase64String(bytes));

        Assert.True(assessment.Score < 0.5);
    }

    [Theory]
    [InlineData("\uD800 lone high surrogate")]
    [InlineData("lone low \uDC00 surrogate")]
    [InlineData("\uDB40")]
    [InlineData("\uDB40\uDC41\uDB40")]
    public void Scanners_LoneSurrogates_DoNotThrow(string text)
    {
        Assert.NotNull(InvisibleCharacterSanitizer.Sanitize(text));
        Assert.NotNull(PromptInjectionScorer.Default.Score(text));
        Assert.NotNull(new BlocklistOutputValidator(["surrogate"]).Scan(text));
        Assert.NotNull(new PiiDetector().Find(text));
    }

    [Fact]
    public async Task JsonSchemaOutputValidator_DeeplyNestedJson_IsAViolationNotACrash()
    {
        var validator = JsonSchemaOutputValidator.FromText("""{"type":"array"}""");

        var violation = Assert.Single(await validator.ValidateAsync(new ValidationContext(new string('[', 100_000), GenerationRequest.FromPrompt("q"))));

        Assert.Equal("invalid-json", violation.Code);
    }

    [Fact]
    public void BlocklistOutputValidator_RegexMetacharactersInTerms_MatchLiterally()
    {
        var validator = new BlocklistOutputValidator(["c++", "(a|b)", ".*"]);

        Assert.Single(validator.Scan("I like (a|b) patterns"));
        Assert.Empty(validator.Scan("ab and a or b"));
        Assert.Empty(validator.Scan("anything at all"));
    }

    [Fact]
    public void RegexMustNotMatch_CatastrophicPatternOnHostileText_FailsClosedInsteadOfHanging()
    {
        var validator = RegexOutputValidator.MustNotMatch("(a+)+$", matchTimeout: TimeSpan.FromMilliseconds(50));
        var text = new string('a', 5_000) + "!";

        var violation = Assert.Single(validator.Scan(text));

        Assert.Equal("timeout", violation.Code);
        Assert.Equal(text.Length, violation.Length);
    }

    [Fact]
    public async Task ValidationGenerator_StreamOfEmptyUpdatesOnly_EndsCleanly()
    {
        using var inner = Scripted.Streams(["", "", ""]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));

        var updates = new List<GenerationUpdate>();
        await foreach (var update in generator.StreamAsync(GenerationRequest.FromPrompt("q")))
        {
            updates.Add(update);
        }

        Assert.Equal(string.Empty, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(FinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task ValidationGenerator_OneHugeChunkWithPiiAtTheEnd_RedactsIt()
    {
        var text = new string('z', 500_000) + " mail a@b.example";
        using var inner = Scripted.Streams([text]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator(), ValidationPolicy.Redact));

        var released = new StringBuilder();
        await foreach (var update in generator.StreamAsync(GenerationRequest.FromPrompt("q")))
        {
            released.Append(update.Text);
        }

        Assert.EndsWith(" mail [REDACTED:EMAIL]", released.ToString(), StringComparison.Ordinal);
        Assert.Equal(500_000 + 22, released.Length);
    }

    [Fact]
    public async Task InputGuardGenerator_MessageOfOnlyInvisibleCharacters_BecomesEmptyNotAnError()
    {
        using var inner = new Agents.Testing.TestGenerator();
        using var generator = new InputGuardGenerator(inner, new InputGuardOptions { Policy = InjectionPolicy.Flag });

        await generator.GenerateAsync(GenerationRequest.FromPrompt(new string('\u200B', 100_000)));

        Assert.Equal(string.Empty, inner.Requests.Single().Messages[0].Text);
    }

    [Fact]
    public async Task Validators_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new PiiDetector().Find(null!));
        Assert.Throws<ArgumentNullException>(() => PromptInjectionScorer.Default.Score(null!));
        Assert.Throws<ArgumentNullException>(() => new BlocklistOutputValidator(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new PiiOutputValidator().ValidateAsync(null!));
        using var guard = new InputContentGuard();
        Assert.Throws<ArgumentNullException>(() => guard.Inspect(null!, ContentSource.UserInput));
    }

    [Theory]
    [InlineData("""{"$ref":"#"}""")]
    [InlineData("""{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/b"}]},"b":{"anyOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""")]
    [InlineData("""{"$ref":"file:///etc/passwd"}""")]
    public async Task JsonSchemaValidator_HostileRequestSchema_TypedErrorNoHangNoFetch(string schema)
    {
        var request = GenerationRequest.FromPrompt("q", new GenerationOptions
        {
            ResponseFormat = ResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse(schema).RootElement.Clone()),
        });

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(
            () => JsonSchemaOutputValidator.FromRequest().ValidateAsync(new ValidationContext("{}", request)).AsTask());

        Assert.Equal(nameof(GenerationOptions.ResponseFormat), ex.Parameter);
    }
}
