using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

public sealed class SpanRedactionTests
{
    private static ValidationViolation At(int start, int length, string? replacement = null) =>
        new("v", "c", "d", start, length, replacement);

    [Fact]
    public void Apply_SameStart_KeepsTheLongerSpansReplacement()
    {
        Assert.Equal("Bfgh", SpanRedaction.Apply("abcdefgh", [At(0, 3, "A"), At(0, 5, "B")]));
    }

    [Fact]
    public void Apply_OverlapReachingFurther_ExtendsTheMergedSpanAndKeepsTheFirstReplacement()
    {
        Assert.Equal("Afgh", SpanRedaction.Apply("abcdefgh", [At(1, 4, "B"), At(0, 3, "A")]));
        Assert.Equal((0, 5, "A"), Assert.Single(SpanRedaction.Merge([At(0, 3, "A"), At(1, 4, "B")])));
    }

    [Fact]
    public void Apply_AdjacentSpans_AreReplacedSeparately()
    {
        Assert.Equal("ABef", SpanRedaction.Apply("abcdef", [At(0, 2, "A"), At(2, 2, "B")]));
    }

    [Fact]
    public void Apply_EmptyOrUnlocatedViolations_LeaveTheTextAlone()
    {
        Assert.Equal("abcdef", SpanRedaction.Apply("abcdef", [At(2, 0, "X"), At(-1, 2, "Y")]));
        Assert.Empty(SpanRedaction.Merge([At(2, 0, "X"), At(-1, 2, "Y")]));
    }

    [Fact]
    public void Apply_NoReplacement_UsesTheDefault()
    {
        Assert.Equal("a[REDACTED]d", SpanRedaction.Apply("abcd", [At(1, 2)]));
    }

    [Theory]
    [InlineData(1, 2, 0, 5, true)] // inside
    [InlineData(0, 5, 1, 2, true)] // contains
    [InlineData(4, 3, 0, 5, true)] // last character shared
    [InlineData(5, 2, 0, 5, false)] // starts where the other ends
    [InlineData(0, 5, 5, 2, false)] // ends where the other starts
    [InlineData(7, 2, 0, 5, false)] // after
    public void Overlaps_ComparesHalfOpenSpans(int start, int length, int otherStart, int otherLength, bool expected)
    {
        Assert.Equal(expected, SpanRedaction.Overlaps(At(start, length), [At(otherStart, otherLength)]));
    }

    [Fact]
    public void Overlaps_UnlocatedViolations_NeverOverlap()
    {
        Assert.False(SpanRedaction.Overlaps(At(-1, 10), [At(0, 5)]));
        Assert.False(SpanRedaction.Overlaps(At(2, 2), [At(-1, 10)]));
        Assert.False(SpanRedaction.Overlaps(At(2, 2), []));
    }
}
