using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Agents.Safety.Validation;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Agents.Safety.Tests.Validation;

public sealed class ValidationGeneratorMutationTests
{
    private const string Meter = "Agents.Safety.Validation";

    [Fact]
    public void BuffersStreams_OnlyWhenSomeValidatorRepairsOrFallsBack()
    {
        using var inner = Scripted.Answers("x");
        using var mixed = new ValidationGenerator(inner, new ValidationOptions()
            .Add(new LengthOutputValidator(maxCharacters: 100))
            .Add(new LengthOutputValidator(maxCharacters: 50, name: "short"), ValidationPolicy.Repair));
        using var rejectOnly = new ValidationGenerator(inner, new ValidationOptions().Add(new LengthOutputValidator(maxCharacters: 100)));

        Assert.True(mixed.BuffersStreams);
        Assert.False(rejectOnly.BuffersStreams);
    }

    [Fact]
    public async Task MeterFactory_OptionsWinOverTheConstructorsAndTheConstructorsIsUsedOtherwise()
    {
        using var fromOptions = new TestMeterFactory();
        using var fromConstructor = new TestMeterFactory();
        using var optionChecks = new MetricCollector<long>(fromOptions, Meter, "agents.validation.checks");
        using var constructorChecks = new MetricCollector<long>(fromConstructor, Meter, "agents.validation.checks");
        using var inner = Scripted.Answers("fine");
        using (var both = new ValidationGenerator(
            inner, new ValidationOptions { MeterFactory = fromOptions }.Add(new LengthOutputValidator(maxCharacters: 100)), meterFactory: fromConstructor))
        {
            await both.GenerateAsync(GenerationRequest.FromPrompt("q"));
        }

        Assert.Single(optionChecks.GetMeasurementSnapshot());
        Assert.Empty(constructorChecks.GetMeasurementSnapshot());

        using (var constructorOnly = new ValidationGenerator(
            inner, new ValidationOptions().Add(new LengthOutputValidator(maxCharacters: 100)), meterFactory: fromConstructor))
        {
            await constructorOnly.GenerateAsync(GenerationRequest.FromPrompt("q"));
        }

        Assert.Single(constructorChecks.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Dispose_WithoutAMeterFactory_DisposesThePrivateMeter()
    {
        var name = "dispose-" + Guid.NewGuid().ToString("N");
        var ours = new ConcurrentDictionary<Instrument, bool>();
        var completed = new ConcurrentDictionary<Instrument, bool>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Meter && instrument.Meter.Scope is null)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) => completed[instrument] = true,
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "validator" && Equals(tag.Value, name))
                {
                    ours[instrument] = true;
                }
            }
        });
        listener.Start();
        using var inner = Scripted.Answers("fine");
        var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new LengthOutputValidator(maxCharacters: 100, name: name)));
        await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));
        var checks = Assert.Single(ours.Keys);
        Assert.False(completed.ContainsKey(checks));

        generator.Dispose();

        Assert.True(completed.ContainsKey(checks));
    }

    [Fact]
    public async Task Repair_ExplainsRepairAndFallbackViolations_LogsTheAttemptAndRecordsRepairedOnlyForRepairValidators()
    {
        using var meters = new TestMeterFactory();
        using var decisions = new MetricCollector<long>(meters, Meter, "agents.validation.decisions");
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Answers("bad and ugly", "fine");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { FallbackMessage = "sorry", MeterFactory = meters }
            .Add(RegexOutputValidator.MustNotMatch("bad", 3, "no bad", "repairer"), ValidationPolicy.Repair)
            .Add(RegexOutputValidator.MustNotMatch("ugly", 4, "no ugly", "style"), ValidationPolicy.Fallback)
            .Add(new LengthOutputValidator(maxCharacters: 100)), logger);

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("fine", result.Text);
        Assert.Equal("repaired", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(1, result.AdditionalProperties[ValidationGenerator.RepairAttemptsKey]);
        Assert.Equal(
            ValidationOptions.DefaultRepairInstructions + "\n- no bad\n- no ugly\nAnswer the request again, fixing every one of these problems.",
            inner.Requests[1].Messages[2].Text);
        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 2002 && r.Message == "Repairing the answer: attempt 1 of 2.");
        Assert.Contains(records, r => r.Id.Id == 2001 && r.Message.StartsWith("Validator repairer found 1", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 2001 && r.Message.StartsWith("Validator style found 1", StringComparison.Ordinal));
        var outcomes = decisions.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags["validator"]}/{m.Tags["policy"]}/{m.Tags["outcome"]}").ToList();
        Assert.Equal(["repairer/repair/repair_requested", "repairer/repair/repaired"], outcomes);
        Assert.Equal(20, result.Usage!.PromptTokens);
    }

    [Fact]
    public async Task Repair_CleanFirstAnswer_RecordsNoDecision()
    {
        using var meters = new TestMeterFactory();
        using var decisions = new MetricCollector<long>(meters, Meter, "agents.validation.decisions");
        using var inner = Scripted.Answers("fine");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MeterFactory = meters }
            .Add(RegexOutputValidator.MustNotMatch("bad", 3), ValidationPolicy.Repair));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("passed", result.AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Empty(decisions.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Repair_RetryWithoutUsage_KeepsTheFirstAttemptsUsage()
    {
        var calls = 0;
        using var inner = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
                ? new GenerationResult("bad") { Usage = new Usage { PromptTokens = 7, CompletionTokens = 2 } }
                : new GenerationResult("good")),
        };
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(RegexOutputValidator.MustNotMatch("bad", 3), ValidationPolicy.Repair));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("good", result.Text);
        Assert.Equal((7, 2), (result.Usage!.PromptTokens, result.Usage.CompletionTokens));
    }

    [Fact]
    public async Task Redact_RecordsADecisionOnlyForTheRedactingValidatorsThatFoundSomething()
    {
        using var meters = new TestMeterFactory();
        using var decisions = new MetricCollector<long>(meters, Meter, "agents.validation.decisions");
        using var inner = Scripted.Answers("mail a@b.example", "mail a@b.example about the secret");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { MeterFactory = meters }
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
            .Add(new BlocklistOutputValidator(["secret"]), ValidationPolicy.Redact));

        await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));
        Assert.Equal(["pii"], decisions.GetMeasurementSnapshot().Select(m => (string)m.Tags["validator"]!));

        decisions.Clear();
        var second = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));
        Assert.Equal("mail [REDACTED:EMAIL] about the [REDACTED]", second.Text);
        Assert.Equal(["pii", "blocklist"], decisions.GetMeasurementSnapshot().Select(m => (string)m.Tags["validator"]!));
    }

    [Fact]
    public async Task Reject_LogsRedactedAndRejectedViolationsAlike()
    {
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Answers("mail a@b.example");
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(new PiiOutputValidator(), ValidationPolicy.Redact)
            .Add(new LengthOutputValidator(maxCharacters: 5)), logger);

        await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        var warnings = logger.Collector.GetSnapshot().Where(r => r.Id.Id == 2001).Select(r => r.Message).ToList();
        Assert.Contains(warnings, m => m.StartsWith("Validator pii found 1", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m == "Validator length found 1 violation(s) (max-characters); policy reject.");
    }

    [Fact]
    public async Task Reject_SensitiveLoggingOfAnUnlocatedViolation_StillRejects()
    {
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Answers("too long");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { EnableSensitiveData = true }
            .Add(new LengthOutputValidator(maxCharacters: 3)), logger);

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => generator.GenerateAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal("length", error.Validator);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Id == 2006);
    }

    [Fact]
    public async Task GenerateAsync_KeepsTheInnerResultsProperties()
    {
        using var inner = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("fine")
            {
                AdditionalProperties = new Dictionary<string, object?> { ["inner.key"] = "kept" },
            }),
        };
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new LengthOutputValidator(maxCharacters: 100)));

        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt("q"));

        Assert.Equal("kept", result.AdditionalProperties!["inner.key"]);
        Assert.Equal("passed", result.AdditionalProperties[ValidationGenerator.OutcomeKey]);
    }

    [Fact]
    public async Task Stream_NoWindow_ReleasesEachChunkWithTheLatestIdsAndNoEmptyUpdates()
    {
        using var inner = new TestGenerator { StreamAsyncCallback = (_, ct) => IdStream(ct) };
        using var generator = new ValidationGenerator(inner, new ValidationOptions { HoldBackCharacters = 0 }
            .Add(RegexOutputValidator.MustNotMatch("zzz", 3)));

        var updates = await Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal(5, updates.Count);
        Assert.Equal(["a", "b", "c", "d", string.Empty], updates.Select(u => u.Text));
        Assert.Equal(["m1", "m1", "m2", "m2"], updates.Take(4).Select(u => u.ModelId));
        Assert.Equal(["r1", "r1", "r2", "r2"], updates.Take(4).Select(u => u.ResponseId));
        Assert.Equal("passed", updates[^1].AdditionalProperties![ValidationGenerator.OutcomeKey]);
    }

    [Fact]
    public async Task Stream_WindowWiderThanTheAnswer_YieldsOnlyTheWholeTextThenTheSummary()
    {
        using var inner = Scripted.Streams(["ab", "cd"]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions { HoldBackCharacters = 10 }
            .Add(RegexOutputValidator.MustNotMatch("zzz", 3)));

        var updates = await Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal(["abcd", string.Empty], updates.Select(u => u.Text));
    }

    [Fact]
    public async Task Stream_WithoutWholeAnswerValidators_DoesNotAskForATokenizer()
    {
        var asked = 0;
        using var inner = Scripted.Streams(["ab", "cd"]);
        inner.GetServiceCallback = (type, _) =>
        {
            if (type == typeof(ITokenizer))
            {
                Interlocked.Increment(ref asked);
            }

            return null;
        };
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(RegexOutputValidator.MustNotMatch("zzz", 3)));

        await Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task Stream_WholeAnswerValidator_CountsTokensWithTheInnerTokenizer()
    {
        using var inner = Scripted.Streams(["hello", " world"]);
        inner.GetServiceCallback = (type, _) => type == typeof(ITokenizer) ? new CharTokenizer() : null;
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new LengthOutputValidator(maxTokens: 1)));

        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q"))));

        Assert.Equal("length/max-tokens: the answer has 11 tokens; at most 1 are allowed", Assert.Single(error.Violations));
    }

    [Fact]
    public async Task Stream_IncrementalRejection_LogsTheViolationAndTheStop()
    {
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Streams(["say the secret ", "now please"]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions { EnableSensitiveData = true }
            .Add(new BlocklistOutputValidator(["secret"])), logger);

        await Assert.ThrowsAsync<ValidationFailedException>(() => Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q"))));

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 2001 && r.Level == LogLevel.Warning
            && r.Message == "Validator blocklist found 1 violation(s) (blocked-term); policy reject.");
        Assert.Contains(records, r => r.Id.Id == 2007);
        Assert.DoesNotContain(records, r => r.Id.Id == 2006);
    }

    [Fact]
    public async Task Stream_WholeAnswerRejection_LogsTheOffendingTextWhenSensitiveDataIsOn()
    {
        var logger = new FakeLogger<ValidationGenerator>();
        using var inner = Scripted.Streams(["abcd", " efgh"]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions { EnableSensitiveData = true }
            .Add(new FixedSpanValidator("spans", 0, 4)), logger);

        await Assert.ThrowsAsync<ValidationFailedException>(() => Collect(generator.StreamAsync(GenerationRequest.FromPrompt("q"))));

        var offending = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2006);
        Assert.Equal("Offending text for spans/span: abcd", offending.Message);
    }

    private static async IAsyncEnumerable<GenerationUpdate> IdStream([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        GenerationUpdate[] updates =
        [
            new() { Text = "a", ModelId = "m1", ResponseId = "r1" },
            new() { Text = "b" },
            new() { Text = "c", ModelId = "m2", ResponseId = "r2" },
            new() { Text = "d" },
            new() { FinishReason = FinishReason.Stop },
        ];
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    private static async Task<List<GenerationUpdate>> Collect(IAsyncEnumerable<GenerationUpdate> stream)
    {
        var updates = new List<GenerationUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }
}
