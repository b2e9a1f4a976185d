using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Rag.Tests;

public sealed class RetrievalGeneratorTests
{
    private static readonly RagIndex Index = Corpus.Index(
    [
        ("kettle.md", "Descale the kettle monthly with white vinegar and water."),
        ("toaster.md", "Empty the toaster crumb tray every week."),
    ]);

    private static GenerationRequest Conversation(GenerationOptions? options = null) => new(
    [
        Message.System("You are a helpful assistant."),
        Message.User("Hi"),
        Message.Assistant("Hello! How can I help?"),
        Message.User("How often should I descale the kettle?"),
    ], options);

    [Fact]
    public async Task GenerateAsync_Question_InsertsNumberedSourcesBeforeItAndMarksEverythingBeforeStable()
    {
        using var inner = new TestGenerator { GenerateAsyncCallback = (_, _) => Task.FromResult(new GenerationResult("Monthly [1].")) };
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index));
        var request = Conversation();

        var result = await generator.GenerateAsync(request);

        var sent = Assert.Single(inner.Requests);
        Assert.Equal(5, sent.Messages.Count);
        Assert.Equal(request.Messages.Take(3), sent.Messages.Take(3));
        Assert.Equal(MessageRole.System, sent.Messages[3].Role);
        Assert.Contains("[1] kettle.md", sent.Messages[3].Text, StringComparison.Ordinal);
        Assert.StartsWith(RetrievalGeneratorOptions.DefaultInstructions, sent.Messages[3].Text, StringComparison.Ordinal);
        Assert.Equal(request.Messages[3], sent.Messages[4]);
        Assert.Equal(3, sent.Options!.CacheHint!.StablePrefixMessageCount);
        var citations = Assert.IsAssignableFrom<IReadOnlyList<Citation>>(result.AdditionalProperties![RetrievalGenerator.CitationsKey]);
        Assert.Equal("kettle.md", CitationResolver.Cited(result.Text, citations).Single().Source);
    }

    [Fact]
    public async Task GenerateAsync_CallersRequest_IsNeverMutated()
    {
        using var inner = new TestGenerator();
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index));
        var hint = new CacheHint { StablePrefixMessageCount = 1, TenantKey = "t1", SharedPrefixMessageCount = 1 };
        var options = new GenerationOptions { MaxTokens = 50, CacheHint = hint };
        var request = Conversation(options);

        await generator.GenerateAsync(request);

        Assert.Equal(4, request.Messages.Count);
        Assert.Same(hint, options.CacheHint);
        Assert.Equal(1, hint.StablePrefixMessageCount);
        var sent = inner.Requests.Single();
        Assert.NotSame(options, sent.Options);
        Assert.Equal(1, sent.Options!.CacheHint!.StablePrefixMessageCount);
        Assert.Equal("t1", sent.Options.CacheHint.TenantKey);
        Assert.Equal(50, sent.Options.MaxTokens);
    }

    [Fact]
    public async Task GenerateAsync_SameQuestionTwice_SendsByteIdenticalContext()
    {
        using var inner = new TestGenerator();
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index));

        await generator.GenerateAsync(Conversation());
        await generator.GenerateAsync(Conversation());

        Assert.Equal(inner.Requests[0].Messages[3].Text, inner.Requests[1].Messages[3].Text);
    }

    [Fact]
    public async Task StreamAsync_FinalUpdate_CarriesTheCitations()
    {
        using var inner = new TestGenerator();
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index));

        var updates = new List<GenerationUpdate>();
        await foreach (var update in generator.StreamAsync(Conversation()))
        {
            updates.Add(update);
        }

        Assert.NotNull(updates[^1].FinishReason);
        Assert.IsAssignableFrom<IReadOnlyList<Citation>>(updates[^1].AdditionalProperties![RetrievalGenerator.CitationsKey]);
        Assert.All(updates.SkipLast(1), u => Assert.Null(u.AdditionalProperties));
    }

    [Fact]
    public async Task GenerateAsync_UserMessagePlacement_PrependsSourcesToTheQuestion()
    {
        using var inner = new TestGenerator();
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index), new RetrievalGeneratorOptions { Placement = RetrievalContextPlacement.UserMessage });

        await generator.GenerateAsync(Conversation());

        var sent = inner.Requests.Single();
        Assert.Equal(4, sent.Messages.Count);
        Assert.Contains("[1] kettle.md", sent.Messages[3].Text, StringComparison.Ordinal);
        Assert.EndsWith("Question: How often should I descale the kettle?", sent.Messages[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_PassageGuardRejectsPassage_ItNeverReachesThePrompt()
    {
        using var inner = new TestGenerator();
        var options = new RetrievalGeneratorOptions { PassageGuard = new RejectingGuard("vinegar") };
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index), options);

        await generator.GenerateAsync(Conversation());

        Assert.DoesNotContain("vinegar", inner.Requests.Single().Messages[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_TinyBudget_StaysWithinItUsingTheInnerTokenizer()
    {
        var tokenizer = new CharacterTriGramTokenizer();
        using var inner = new TestGenerator { GetServiceCallback = (type, _) => type == typeof(ITokenizer) ? tokenizer : null };
        var options = new RetrievalGeneratorOptions { ContextTokenBudget = 80, Instructions = "Use the sources." };
        using var generator = new RetrievalGenerator(inner, new LocalRetriever(Index), options);

        await generator.GenerateAsync(Conversation());

        Assert.True(tokenizer.CountTokens(inner.Requests.Single().Messages[3].Text) <= 80);
    }

    [Fact]
    public async Task UseRetrieval_RetrieverFromServices_BuildsWorkingPipeline()
    {
        using var inner = new TestGenerator();
        using var services = new ServiceCollection().AddSingleton<IRetriever>(new LocalRetriever(Index)).BuildServiceProvider();
        using var pipeline = inner.AsBuilder().UseRetrieval(configure: o => o.Retrieval.TopK = 1).Build(services);

        await pipeline.GenerateAsync("How do I clean the toaster crumb tray?");

        Assert.NotNull(pipeline.GetService<RetrievalGenerator>());
        Assert.Contains("[1] toaster.md", inner.Requests.Single().Messages[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("[2] kettle.md", inner.Requests.Single().Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void UseRetrieval_NoRetrieverAnywhere_FailsAtBuildWithClearMessage()
    {
        using var inner = new TestGenerator();

        var error = Assert.Throws<InvalidOperationException>(() => inner.AsBuilder().UseRetrieval().Build());

        Assert.Contains(nameof(IRetriever), error.Message, StringComparison.Ordinal);
    }

    private sealed class RejectingGuard(string word) : IPassageGuard
    {
        public Task<RetrievedPassage?> InspectAsync(RetrievedPassage passage, CancellationToken cancellationToken = default) =>
            Task.FromResult(passage.Text.Contains(word, StringComparison.Ordinal) ? null : passage);
    }
}
