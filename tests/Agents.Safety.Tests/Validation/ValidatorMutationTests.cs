using System.Diagnostics.Metrics;
using Agents.Safety.Validation;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Agents.Safety.Tests.Validation;

public sealed class ValidatorMutationTests
{
    [Fact]
    public void Violation_SpanAtZero_HasSpanAndFormatsItsCharacters()
    {
        var located = new ValidationViolation("pii", "email", "an email address", 0, 4);
        var whole = new ValidationViolation("length", "max-characters", "too long");

        Assert.True(located.HasSpan);
        Assert.Equal(4, located.End);
        Assert.Equal("pii/email: an email address (characters 0-4)", located.ToString());
        Assert.False(whole.HasSpan);
        Assert.Equal("length/max-characters: too long", whole.ToString());
    }

    [Fact]
    public void Violation_Shift_MovesOnlyLocatedViolations()
    {
        var located = new ValidationViolation("v", "c", "d", 2, 3);
        var whole = new ValidationViolation("v", "c", "d");

        Assert.Same(located, located.Shift(0));
        Assert.Equal(located with { Start = 7 }, located.Shift(5));
        Assert.Same(whole, whole.Shift(5));
        Assert.Equal(-1, whole.Shift(5).Start);
        Assert.Equal(new ValidationViolation("v", "c", "d", 2, 3), located);
        Assert.NotEqual(located, located with { Replacement = "#" });
    }

    [Fact]
    public void Verdict_HasBlockingViolations_WhenAnyNonRedactingBucketHoldsOne()
    {
        var registration = new ValidatorRegistration(new LiteralValidator("v", "x"), ValidationPolicy.Reject);
        var violation = new ValidationViolation("v", "c", "d");

        var empty = new ValidationVerdict { Text = "t" };
        empty.Redacted.Add(violation);
        var rejected = new ValidationVerdict { Text = "t" };
        rejected.Rejected.Add((registration, violation));
        var repair = new ValidationVerdict { Text = "t" };
        repair.ToRepair.Add((registration, violation));
        var fallback = new ValidationVerdict { Text = "t" };
        fallback.ToFallBack.Add((registration, violation));

        Assert.False(empty.HasBlockingViolations);
        Assert.True(rejected.HasBlockingViolations);
        Assert.True(repair.HasBlockingViolations);
        Assert.True(fallback.HasBlockingViolations);
    }

    [Fact]
    public void Options_BoundaryValues_AreAccepted()
    {
        var options = new ValidationOptions { MaxRepairAttempts = ValidationOptions.MaxRepairAttemptsLimit, HoldBackCharacters = 0 }
            .Add(new LiteralValidator("v", "x"));

        options.Validate();

        Assert.Equal(0, options.GetEffectiveHoldBack());
    }

    [Fact]
    public void Options_OutOfRange_MessageNamesEachProblem()
    {
        var options = new ValidationOptions { MaxRepairAttempts = 11, HoldBackCharacters = -1 }.Add(new LiteralValidator("v", "x"));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("MaxRepairAttempts: must be in [0, 10]; it is 11.", error.Message, StringComparison.Ordinal);
        Assert.Contains("HoldBackCharacters: must be at least 0; it is -1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_WithAFactory_LeavesTheFactorysMeterAlive()
    {
        using var meters = new TestMeterFactory();
        using var checks = new MetricCollector<long>(meters, ValidationTelemetry.MeterName, ValidationTelemetry.ChecksInstrument);
        var telemetry = new ValidationTelemetry(meters);

        telemetry.Dispose();
        telemetry.RecordCheck("v", 0);

        var measurement = Assert.Single(checks.GetMeasurementSnapshot());
        Assert.Equal("passed", measurement.Tags["result"]);
    }

    [Fact]
    public void Length_EqualBoundsAndZero_AreAccepted()
    {
        var same = new LengthOutputValidator(minCharacters: 5, maxCharacters: 5, minTokens: 3, maxTokens: 3);
        var ordered = new LengthOutputValidator(minCharacters: 0, minTokens: 1, maxTokens: 5);

        Assert.Equal((5, 5, 3, 3), (same.MinCharacters, same.MaxCharacters, same.MinTokens, same.MaxTokens));
        Assert.Equal(0, ordered.MinCharacters);
    }

    [Fact]
    public void Length_MinimumAboveMaximum_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new LengthOutputValidator(minTokens: 5, maxTokens: 1));

        Assert.Equal("Invalid length bounds: minTokens (5) exceeds maxTokens (1).", error.Message);
    }

    [Fact]
    public void MustNotMatch_EmptyMatches_AreNotViolations()
    {
        var validator = RegexOutputValidator.MustNotMatch("x*", 5);

        Assert.Empty(validator.Scan("abc"));
        var violation = Assert.Single(validator.Scan("axxb"));
        Assert.Equal((1, 2), (violation.Start, violation.Length));
    }

    [Fact]
    public void MustNotMatch_KeepsTheGivenDescriptionAndTimeout()
    {
        var custom = RegexOutputValidator.MustNotMatch("x", description: "no x please", matchTimeout: TimeSpan.FromMilliseconds(250));
        var plain = RegexOutputValidator.MustNotMatch("x");

        Assert.Equal("no x please", custom.Description);
        Assert.Equal(TimeSpan.FromMilliseconds(250), custom.Pattern.MatchTimeout);
        Assert.Equal("the answer contains forbidden text", plain.Description);
        Assert.Equal(RegexOutputValidator.DefaultMatchTimeout, plain.Pattern.MatchTimeout);
    }

    [Fact]
    public void Blocklist_LongerTermWins_OverItsPrefix()
    {
        var validator = new BlocklistOutputValidator(["new", "new york"]);

        var violation = Assert.Single(validator.Scan("visit new york now"));

        Assert.Equal((6, 8), (violation.Start, violation.Length));
        Assert.Equal(16, validator.MaxViolationLength);
    }

    [Fact]
    public void Blocklist_MaxViolationLength_IsTwiceTheLongestTerm()
    {
        Assert.Equal(12, new BlocklistOutputValidator(["ab", "abcdef"]).MaxViolationLength);
    }

    [Fact]
    public void Blocklist_FoldingThatWidensText_MapsBackToOriginalPositions()
    {
        var validator = new BlocklistOutputValidator(["bad"]);

        var violation = Assert.Single(validator.Scan("\uFB01x bad!"));
        var atEnd = Assert.Single(validator.Scan("\uFB01x bad"));

        Assert.Equal((3, 3), (violation.Start, violation.Length));
        Assert.Equal((3, 3), (atEnd.Start, atEnd.Length));
    }
}
