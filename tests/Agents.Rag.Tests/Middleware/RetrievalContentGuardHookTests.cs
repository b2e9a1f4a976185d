using Agents.Testing;

namespace Agents.Rag.Tests;

/// <summary>The optional <see cref="RetrievalGeneratorOptions.ContentGuard"/> hook: every passage is inspected before it enters the prompt.</summary>
public sealed class RetrievalContentGuardHookTests
{
    private static readonly RagIndex Index = Corpus.Index(
    [
        ("kettle.md", "Descale the kettle monthly with white vinegar and water."),
        ("toaster.md", "Empty the toaster crumb tray every week."),
    ]);

    [Fact]
    public async Task GenerateAsync_ContentGuard_DropsBlockedPassagesAndUsesSanitisedText()
    {
        using var inner = new TestGenerator();
        var guard = new WordGuard(block: "vinegar", replace: ("crumb", "CRUMB"));
        var options = new RetrievalGeneratorOptions { ContentGuard = guard };
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index), options);

        await generator.GenerateAsync(GenerationRequest.FromPrompt("How do I clean the kettle and the toaster?"));

        var context = inner.Requests.Single().Messages[0].Text;
        Assert.DoesNotContain("vinegar", context, StringComparison.Ordinal);
        Assert.Contains("[1] toaster.md", context, StringComparison.Ordinal);
        Assert.Contains("Empty the toaster CRUMB tray every week.", context, StringComparison.Ordinal);
        Assert.All(guard.Sources, s => Assert.Equal(ContentSource.RetrievedPassage, s));
        Assert.Equal(2, guard.Sources.Count);
    }

    [Fact]
    public async Task GenerateAsync_PassageGuardDropsFirst_ContentGuardSeesOnlyWhatIsLeft()
    {
        using var inner = new TestGenerator();
        var guard = new WordGuard(block: null, replace: ("x", "x"));
        var options = new RetrievalGeneratorOptions { PassageGuard = new DropAll(), ContentGuard = guard };
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index), options);

        await generator.GenerateAsync(GenerationRequest.FromPrompt("How do I clean the kettle?"));

        Assert.Empty(guard.Sources);
    }

    private sealed class WordGuard(string? block, (string From, string To) replace) : IContentGuard
    {
        public List<ContentSource> Sources { get; } = [];

        public ValueTask<ContentInspection> InspectAsync(string text, ContentSource source, CancellationToken cancellationToken = default)
        {
            lock (Sources)
            {
                Sources.Add(source);
            }

            var blocked = block is not null && text.Contains(block, StringComparison.Ordinal);
            return ValueTask.FromResult(new ContentInspection(text.Replace(replace.From, replace.To, StringComparison.Ordinal), blocked ? 1 : 0, blocked, []));
        }
    }

    private sealed class DropAll : IPassageGuard
    {
        public Task<RetrievedPassage?> InspectAsync(RetrievedPassage passage, CancellationToken cancellationToken = default) =>
            Task.FromResult<RetrievedPassage?>(null);
    }
}
