using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

public sealed class StreamingHoldBackTests
{
    [Fact]
    public void Advance_NothingNewPastTheWindow_DoesNotRescan()
    {
        var validator = new LiteralValidator("lit", "zz");
        var window = new StreamingHoldBack([new ValidatorRegistration(validator, ValidationPolicy.Reject)], 2);
        window.Append("abcd");

        Assert.Equal("ab", window.Advance(final: false).Release);
        Assert.Equal(1, validator.Scans);

        var again = window.Advance(final: false);
        Assert.Equal(string.Empty, again.Release);
        Assert.Empty(again.Rejections);
        Assert.Equal(1, validator.Scans);

        Assert.Equal("cd", window.Advance(final: true).Release);
        Assert.Equal(2, validator.Scans);
    }

    [Fact]
    public void Advance_RedactionEndingAtTheReleasedEdge_IsNotCountedTwice()
    {
        var validator = new LiteralValidator("lit", "x", "#");
        var window = new StreamingHoldBack([new ValidatorRegistration(validator, ValidationPolicy.Redact)], 1);

        window.Append("abxc");
        Assert.Equal("ab#", window.Advance(final: false).Release);
        window.Append("de");
        Assert.Equal("cd", window.Advance(final: false).Release);
        Assert.Equal("e", window.Advance(final: true).Release);

        var redaction = Assert.Single(window.Redactions);
        Assert.Equal((2, 1), (redaction.Start, redaction.Length));
    }

    [Fact]
    public void Advance_RedactionLongerThanTheWindow_ReplacesOnlyTheUnreleasedRest()
    {
        var validator = new LiteralValidator("lit", "xxxy", "#");
        var window = new StreamingHoldBack([new ValidatorRegistration(validator, ValidationPolicy.Redact)], 2);

        window.Append("abxxx");
        Assert.Equal("abx", window.Advance(final: false).Release);
        window.Append("ycd");
        Assert.Equal("#", window.Advance(final: false).Release);
        Assert.Equal("cd", window.Advance(final: true).Release);

        var redaction = Assert.Single(window.Redactions);
        Assert.Equal((3, 3), (redaction.Start, redaction.Length));
    }

    [Fact]
    public void Advance_RejectionLongerThanTheWindow_ReportsTheUnreleasedRest()
    {
        var validator = new LiteralValidator("lit", "xxxy");
        var window = new StreamingHoldBack([new ValidatorRegistration(validator, ValidationPolicy.Reject)], 2);

        window.Append("abxxx");
        Assert.Equal("abx", window.Advance(final: false).Release);
        window.Append("ycd");
        var (release, rejections) = window.Advance(final: false);

        Assert.Equal(string.Empty, release);
        var (registration, violation) = Assert.Single(rejections);
        Assert.Same(validator, registration.Validator);
        Assert.Equal((3, 3), (violation.Start, violation.Length));
    }

    [Fact]
    public void Advance_RejectionStartingWhereAGrowingViolationStarts_WaitsAndIsThenCoveredByTheRedaction()
    {
        var reject = new LiteralValidator("r", "c");
        var grow = new LiteralValidator("g", "cdefgh", "@");
        var window = new StreamingHoldBack(
            [new ValidatorRegistration(reject, ValidationPolicy.Reject), new ValidatorRegistration(grow, ValidationPolicy.Redact)], 3);
        window.Append("abcdefgh");

        var first = window.Advance(final: false);
        Assert.Equal("ab", first.Release);
        Assert.Empty(first.Rejections);

        var last = window.Advance(final: true);
        Assert.Empty(last.Rejections);
        Assert.Equal("@", last.Release);
        Assert.Equal("g", Assert.Single(window.Redactions).Validator);
    }

    [Fact]
    public void Advance_RedactionStartingWhereAGrowingViolationStarts_IsNeitherAppliedNorRecordedYet()
    {
        var shortOne = new LiteralValidator("short", "c", "#");
        var longOne = new LiteralValidator("long", "cdefgh", "@");
        var window = new StreamingHoldBack(
            [new ValidatorRegistration(shortOne, ValidationPolicy.Redact), new ValidatorRegistration(longOne, ValidationPolicy.Redact)], 3);
        window.Append("abcdefgh");

        Assert.Equal("ab", window.Advance(final: false).Release);
        Assert.Empty(window.Redactions);

        Assert.Equal("@", window.Advance(final: true).Release);
        Assert.Equal(new[] { "short", "long" }, window.Redactions.Select(r => r.Validator));
    }
}
