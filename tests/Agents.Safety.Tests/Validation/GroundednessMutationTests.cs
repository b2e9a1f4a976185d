using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>Citation parsing, sentence splitting and messages of <see cref="GroundednessOutputValidator"/>.</summary>
public sealed class GroundednessMutationTests
{
    private static ValidationContext Context(string text) => new(text, GenerationRequest.FromPrompt("question"), null);

    private static IReadOnlyList<int> NumbersOf(string marker) => Assert.Single(CitationMarkers.Find(marker)).Numbers;

    [Theory]
    [InlineData("[3-3]", new[] { 3 })]
    [InlineData("[2-4]", new[] { 2, 3, 4 })]
    [InlineData("[4-2]", new int[0])]
    [InlineData("[1, 7]", new[] { 1, 7 })]
    public void CitationMarkers_Ranges_ListEveryNumber(string marker, int[] expected)
    {
        Assert.Equal(expected, NumbersOf(marker));
    }

    [Fact]
    public void CitationMarkers_RangeOfFiftyNumbers_IsExpandedButFiftyOneIsNot()
    {
        Assert.Equal(Enumerable.Range(1, 50), NumbersOf("[1-50]"));
        Assert.Empty(NumbersOf("[1-51]"));
    }

    [Fact]
    public async Task UnknownSource_WithSourcesProvided_ListsThemInOrder()
    {
        var validator = new GroundednessOutputValidator { PassageNumbers = _ => [3, 1, 2] };

        var violation = Assert.Single(await validator.ValidateAsync(Context("It is blue [7].")));

        Assert.Equal("citation [7] names no provided source (sources are numbered 1, 2, 3)", violation.Description);
    }

    [Fact]
    public async Task UnknownSource_WithTenSources_ListsAllTen()
    {
        var validator = new GroundednessOutputValidator { PassageNumbers = _ => [.. Enumerable.Range(1, 10).Reverse()] };

        var violation = Assert.Single(await validator.ValidateAsync(Context("It is blue [12].")));

        Assert.Equal("citation [12] names no provided source (sources are numbered 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)", violation.Description);
    }

    [Fact]
    public async Task UnknownSource_WithElevenSources_GivesTheRange()
    {
        var validator = new GroundednessOutputValidator { PassageNumbers = _ => [.. Enumerable.Range(2, 11).Reverse()] };

        var violation = Assert.Single(await validator.ValidateAsync(Context("It is blue [1].")));

        Assert.Equal("citation [1] names no provided source (sources are numbered 2-12)", violation.Description);
    }

    [Fact]
    public async Task UncitedSentence_MessageCountsSentencesFromOne()
    {
        var validator = new GroundednessOutputValidator { RequireCitationPerSentence = true, PassageNumbers = _ => [1] };
        const string answer = "Kettles need descaling [1]. Vinegar works [1]. Tablets cost more money.";

        var violation = Assert.Single(await validator.ValidateAsync(Context(answer)));

        Assert.Equal("sentence 3 cites no source", violation.Description);
    }

    [Fact]
    public async Task UncitedSentence_ExactlyMinSentenceLetters_MustCite()
    {
        var validator = new GroundednessOutputValidator { RequireCitationPerSentence = true, PassageNumbers = _ => [1] };

        // Twelve letters: not exempt. Eleven: exempt.
        Assert.Single(await validator.ValidateAsync(Context("Abcdef ghijkl.")));
        Assert.Empty(await validator.ValidateAsync(Context("Abcdef ghijk.")));
    }

    [Fact]
    public async Task MarkerAtTheStartOfTheSentence_Counts()
    {
        var validator = new GroundednessOutputValidator { RequireCitationPerSentence = true, PassageNumbers = _ => [1] };

        Assert.Empty(await validator.ValidateAsync(Context("[1] Kettles need descaling monthly.")));
    }

    [Theory]
    [InlineData("  \n\nabc", new[] { 4, 3 })]
    [InlineData("abc\n\n  ", new[] { 0, 3 })]
    [InlineData("First one. Second one", new[] { 0, 10, 11, 10 })]
    [InlineData("", new int[0])]
    public void Sentences_SkipWhitespaceOnlyPieces(string text, int[] flatSpans)
    {
        var flat = GroundednessOutputValidator.Sentences(text).SelectMany(s => new[] { s.Start, s.Length });

        Assert.Equal(flatSpans, flat);
    }
}
