namespace Agents.Rag.Tests;

public sealed class LocalRetrieverTests
{
    private static readonly (string Source, string Text)[] Documents =
    [
        ("cars/maintenance.md", "Car maintenance: change the engine oil every ten thousand kilometres and rotate the car tyres."),
        ("cars/insurance.md", "Car insurance premiums depend on the driver's age, the car's value and past claims."),
        ("health/doctor.md", "See a doctor when a fever lasts more than three days or breathing becomes difficult."),
        ("pets/cat.md", "A cat needs fresh water, a clean litter box and regular play to stay healthy."),
        ("pets/dog.md", "Dogs need daily walks, a balanced diet and yearly vaccinations."),
        ("cooking/soup.md", "Simmer onions, carrots and celery for a rich vegetable soup stock."),
        ("cooking/soup-copy.md", "Simmer onions, carrots and celery for a rich vegetable soup stock base."),
        ("cooking/bread.md", "Knead the bread dough for ten minutes and let it rise for an hour before baking."),
    ];

    private static LocalRetriever Retriever(IReranker? reranker = null, VectorQuantization quantization = VectorQuantization.None) =>
        new(Corpus.Index(Documents, withEmbeddings: true, quantization), new HashedBagOfWordsEmbedder(), reranker);

    [Fact]
    public async Task Retrieve_SynonymOnlyInVectors_HybridFindsWhatKeywordMisses()
    {
        var retriever = Retriever();

        var keyword = await retriever.RetrieveAsync("automobile upkeep schedule", new RetrievalOptions { Mode = RetrievalMode.Keyword });
        var hybrid = await retriever.RetrieveAsync("automobile upkeep schedule");

        Assert.Empty(keyword);
        Assert.StartsWith("cars/", hybrid[0].Source, StringComparison.Ordinal);
        Assert.NotNull(hybrid[0].VectorRank);
        Assert.Null(hybrid[0].KeywordRank);
    }

    [Fact]
    public async Task Retrieve_Hybrid_FusesBothRankingsWithReciprocalRankScores()
    {
        var retriever = Retriever();

        var results = await retriever.RetrieveAsync("when should I see a physician about a fever", new RetrievalOptions { TopK = 3 });

        var top = results[0];
        Assert.Equal("health/doctor.md", top.Source);
        Assert.Equal(1, top.KeywordRank);
        Assert.Equal(1, top.VectorRank);
        Assert.Equal(2.0 / 61, top.Score, 6);
    }

    [Fact]
    public async Task Retrieve_NoEmbedder_UsesKeywordSearchAndRejectsVectorMode()
    {
        var retriever = new LocalRetriever(Corpus.Index(Documents, withEmbeddings: true));

        var results = await retriever.RetrieveAsync("cat litter box");

        Assert.Equal("pets/cat.md", results[0].Source);
        Assert.Null(results[0].VectorRank);
        await Assert.ThrowsAsync<InvalidOperationException>(() => retriever.RetrieveAsync("cat", new RetrievalOptions { Mode = RetrievalMode.Vector }));
    }

    [Fact]
    public async Task Retrieve_SourceFilter_ReturnsOnlyMatchingSources()
    {
        var options = new RetrievalOptions { TopK = 5, Filter = new RetrievalFilter() };
        options.Filter.Sources.Add("pets/**");

        var results = await Retriever().RetrieveAsync("healthy diet water walks car oil", options);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.StartsWith("pets/", r.Source, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retrieve_PageAndPredicateFilters_AreApplied()
    {
        var options = new RetrievalOptions { TopK = 8, Filter = new RetrievalFilter { MinPage = 1, Predicate = c => c.Source.Contains("car", StringComparison.Ordinal) } };

        var results = await Retriever().RetrieveAsync("car insurance maintenance oil", options);

        Assert.All(results, r => Assert.NotNull(r.Page));
        Assert.All(results, r => Assert.Contains("car", r.Source, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retrieve_WithMmr_DropsTheNearDuplicate()
    {
        var retriever = Retriever();
        const string query = "vegetable soup stock onions carrots celery and bread";

        var plain = await retriever.RetrieveAsync(query, new RetrievalOptions { TopK = 2 });
        var diverse = await retriever.RetrieveAsync(query, new RetrievalOptions { TopK = 2, UseMmr = true, MmrLambda = 0.5 });

        Assert.All(plain, r => Assert.StartsWith("cooking/soup", r.Source, StringComparison.Ordinal));
        Assert.Single(diverse, r => r.Source.StartsWith("cooking/soup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retrieve_WithReranker_ReturnsTheRerankersOrder()
    {
        var reranker = new ReverseReranker();

        var results = await Retriever(reranker).RetrieveAsync("car", new RetrievalOptions { TopK = 2, Mode = RetrievalMode.Keyword });

        Assert.Equal("car", reranker.Query);
        Assert.True(reranker.CandidateCount >= 2);
        Assert.Equal(2, results.Count);
        Assert.Equal(-1, results[0].Score);
    }

    [Fact]
    public async Task Retrieve_Int8Quantized_ReturnsSameTopResultsAsExact()
    {
        var exact = await Retriever().RetrieveAsync("dog walks and vaccinations", new RetrievalOptions { Mode = RetrievalMode.Vector, TopK = 3 });
        var quantized = await Retriever(quantization: VectorQuantization.Int8).RetrieveAsync("dog walks and vaccinations", new RetrievalOptions { Mode = RetrievalMode.Vector, TopK = 3 });

        Assert.Equal(exact.Select(r => r.ChunkId), quantized.Select(r => r.ChunkId));
    }

    [Fact]
    public async Task Retrieve_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Retriever().RetrieveAsync("car", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task ReplaceIndex_NewSnapshot_IsSearchedFromThenOn()
    {
        var retriever = new LocalRetriever(Corpus.Index([("a.txt", "apples")]));

        retriever.ReplaceIndex(Corpus.Index([("b.txt", "bananas")]));

        Assert.Equal("b.txt", (await retriever.RetrieveAsync("bananas"))[0].Source);
    }

    private sealed class ReverseReranker : IReranker
    {
        public string? Query { get; private set; }

        public int CandidateCount { get; private set; }

        public Task<IReadOnlyList<RetrievedPassage>> RerankAsync(string query, IReadOnlyList<RetrievedPassage> candidates, CancellationToken cancellationToken = default)
        {
            Query = query;
            CandidateCount = candidates.Count;
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>(candidates.Reverse().Select(c => c with { Score = -1 }).ToList());
        }
    }
}
