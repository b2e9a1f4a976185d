using Agents.Safety.Validation;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Safety.Tests.Validation;

public sealed class ValidationGeneratorTests
{
    private const string Schema = """{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}""";

    [Fact]
    public async Task GenerateAsync_CleanAnswer_PassesUnchangedWithOutcome()
    {
        using var inner = Scripted.Answers("All good.");
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("All good.", result.Text);
        Assert.Equal("passed", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(0, result.AdditionalProperties[ValidationGenerator.RepairAttemptsKey]);
    }

    [Fact]
    public async Task GenerateAsync_Reject_ThrowsListingEveryViolationOfEveryValidator()
    {
        using var inner = Scripted.Answers("Mail a@b.example or c@d.example; it is blocked stuff.");
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(new PiiOutputValidator())
            .Add(new BlocklistOutputValidator(["blocked"]))
            .Add(new LengthOutputValidator(maxCharacters: 10)));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal(4, error.Violations.Count);
        Assert.Equal("pii, blocklist, length", error.Validator);
        Assert.DoesNotContain("a@b.example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_Redact_ReplacesEachSpanAndChecksTheRedactedText()
    {
        using var inner = Scripted.Answers("Call +44 20 7946 0958 or mail <a@b.example>.");
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
            .Add(RegexOutputValidator.MustNotMatch("@", 1)));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("Call [REDACTED:PHONE] or mail <[REDACTED:EMAIL]>.", result.Text);
        Assert.Equal("redacted", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(2, ((IReadOnlyList<ValidationViolation>)result.AdditionalProperties[ValidationGenerator.ViolationsKey]!).Count);
    }

    [Fact]
    public async Task GenerateAsync_RepairSucceeds_ReAsksWithViolationsExplainedAndReturnsTheFixedAnswer()
    {
        using var inner = Scripted.Answers("not json", """{"n": "x"}""", """{"n": 3}""");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MaxRepairAttempts = 3 }
            .Add(JsonSchemaOutputValidator.FromText(Schema), ValidationPolicy.Repair));
        var request = GenerationRequest.FromPrompt("Give me n.");

        var result = await generator.GenerateAsync(request);

        Assert.Equal("""{"n": 3}""", result.Text);
        Assert.Equal("repaired", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(2, result.AdditionalProperties[ValidationGenerator.RepairAttemptsKey]);
        Assert.Equal(3, inner.Requests.Count);
        var repair = inner.Requests[1];
        Assert.Equal(3, repair.Messages.Count);
        Assert.Equal("not json", repair.Messages[1].Text);
        Assert.Equal(MessageRole.Assistant, repair.Messages[1].Role);
        Assert.StartsWith(ValidationOptions.DefaultRepairInstructions, repair.Messages[2].Text, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", repair.Messages[2].Text, StringComparison.Ordinal);
        Assert.Single(request.Messages);
        Assert.Equal(15, result.Usage!.CompletionTokens);
    }

    [Fact]
    public async Task GenerateAsync_RepairExhausted_RejectsAfterMaxAttempts()
    {
        using var inner = Scripted.Answers("nope");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MaxRepairAttempts = 2 }
            .Add(JsonSchemaOutputValidator.FromText(Schema), ValidationPolicy.Repair));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal(3, inner.Requests.Count);
        Assert.Equal("json-schema", error.Validator);
        Assert.Contains("invalid-json", Assert.Single(error.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ZeroRepairAttempts_RejectsWithoutReAsking()
    {
        using var inner = Scripted.Answers("nope");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MaxRepairAttempts = 0 }
            .Add(JsonSchemaOutputValidator.FromText(Schema), ValidationPolicy.Repair));

        await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GenerateAsync_RejectAlongsideRepair_RejectsAtOnce()
    {
        using var inner = Scripted.Answers("SSN 123-45-6789");
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(JsonSchemaOutputValidator.FromText(Schema), ValidationPolicy.Repair)
            .Add(new PiiOutputValidator()));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        Assert.Single(inner.Requests);
        Assert.Equal(2, error.Violations.Count);
    }

    [Fact]
    public async Task GenerateAsync_Fallback_ReturnsTheFallbackMessage()
    {
        using var inner = Scripted.Answers("This is forbidden talk.");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { FallbackMessage = "I can't help with that." }
            .Add(new BlocklistOutputValidator(["forbidden"]), ValidationPolicy.Fallback));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("I can't help with that.", result.Text);
        Assert.Equal("fallback", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        using var inner = new TestGenerator();
        var options = new ValidationOptions { MaxRepairAttempts = 11, HoldBackCharacters = -1 }
            .Add(new LengthOutputValidator(maxCharacters: 5), ValidationPolicy.Redact)
            .Add(new PiiOutputValidator(), ValidationPolicy.Fallback);

        var error = Assert.Throws<ArgumentException>(() => new ValidationGenerator(inner, options));

        Assert.Contains("Redact needs a validator that locates spans", error.Message, StringComparison.Ordinal);
        Assert.Contains("FallbackMessage: required", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRepairAttempts", error.Message, StringComparison.Ordinal);
        Assert.Contains("HoldBackCharacters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseValidation_NoValidators_FailsWhenAdded()
    {
        using var inner = new TestGenerator();

        var error = Assert.Throws<ArgumentException>(() => inner.AsBuilder().UseValidation(_ => { }));

        Assert.Contains("add at least one validator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseValidation_InPipeline_ValidatesAndIsDiscoverable()
    {
        using var inner = Scripted.Answers("key AKIAIOSFODNN7EXAMPLE");
        using var pipeline = inner.AsBuilder().UseValidation(v => v.Add(new PiiOutputValidator(), ValidationPolicy.Redact)).Build();

        var result = await pipeline.GenerateAsync("q");

        Assert.Equal("key [REDACTED:SECRET]", result.Text);
        Assert.NotNull(pipeline.GetService<ValidationGenerator>());
    }

    [Fact]
    public async Task GenerateAsync_Metrics_CountChecksAndDecisionsPerValidatorAndPolicy()
    {
        using var meters = new TestMeterFactory();
        using var checks = new MetricCollector<long>(meters, "Agents.Safety.Validation", "agents.validation.checks");
        using var decisions = new MetricCollector<long>(meters, "Agents.Safety.Validation", "agents.validation.decisions");
        using var inner = Scripted.Answers("mail a@b.example");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MeterFactory = meters }
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
            .Add(new LengthOutputValidator(maxCharacters: 100)));

        await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Contains(checks.GetMeasurementSnapshot(), m => (string?)m.Tags["validator"] == "pii" && (string?)m.Tags["result"] == "violated");
        Assert.Contains(checks.GetMeasurementSnapshot(), m => (string?)m.Tags["validator"] == "length" && (string?)m.Tags["result"] == "passed");
        var decision = Assert.Single(decisions.GetMeasurementSnapshot());
        Assert.Equal("redact", decision.Tags["policy"]);
        Assert.Equal("redacted", decision.Tags["outcome"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GenerateAsync_Logging_OmitsTheOffendingTextUnlessSensitiveDataIsOn(bool sensitive)
    {
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Answers("mail secret.person@example.com");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { EnableSensitiveData = sensitive }
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact), logger);

        await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains("Validator pii found 1", StringComparison.Ordinal));
        Assert.Equal(sensitive, records.Any(r => r.Message.Contains("secret.person@example.com", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var inner = Scripted.Answers("x");
        inner.GenerateAsyncCallback = (_, ct) => Task.FromCanceled<GenerationResult>(ct);
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q"), cts.Token));
    }
}
