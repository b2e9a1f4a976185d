using System.Globalization;
using Xunit.Abstractions;

namespace Agents.Rag.Tests;

/// <summary>
/// Retrieval quality on a labelled question set: a question is answered at rank r when the r-th passage comes from
/// the labelled file and contains the labelled phrase. Hit rate@5 and MRR (over the top 5) are printed and asserted.
/// </summary>
public sealed class RetrievalQualityTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int K = 5;
    private readonly TempFolder _folder = new();
    private RagIndex? _index;

    public async Task InitializeAsync()
    {
        foreach (var (path, text) in QualityCorpus.Files)
        {
            _folder.Write(Path.Combine("docs", path), text);
        }

        await using var store = await SqliteRagStore.OpenAsync(Path.Combine(_folder.Path, ".rag", "store.db"));
        var options = new IngestionOptions { Chunking = new ChunkingOptions { MaxTokens = 64, OverlapTokens = 8 } };
        await new DocumentIngestor(store, options, new HashedBagOfWordsEmbedder()).IngestFolderAsync(Path.Combine(_folder.Path, "docs"));
        _index = await RagIndex.LoadAsync(store);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(RetrievalMode.Keyword, 0.9, 0.75)]
    [InlineData(RetrievalMode.Hybrid, 0.9, 0.75)]
    public async Task Retrieve_LabelledQuestions_MeetsHitRateAndMrrThresholds(RetrievalMode mode, double minimumHitRate, double minimumMrr)
    {
        var retriever = new LocalRetriever(_index!, new HashedBagOfWordsEmbedder());
        var hits = 0;
        var reciprocalRanks = 0.0;
        foreach (var (question, path, phrase) in QualityCorpus.Questions)
        {
            var results = await retriever.RetrieveAsync(question, new RetrievalOptions { TopK = K, Mode = mode });
            var rank = results.ToList().FindIndex(r => r.Source == path && r.Text.Contains(phrase, StringComparison.Ordinal)) + 1;
            if (rank > 0)
            {
                hits++;
                reciprocalRanks += 1.0 / rank;
            }
            else
            {
                output.WriteLine($"miss: {question} -> {string.Join(", ", results.Select(r => r.Source))}");
            }
        }

        var hitRate = (double)hits / QualityCorpus.Questions.Length;
        var mrr = reciprocalRanks / QualityCorpus.Questions.Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode}: {QualityCorpus.Questions.Length} questions, {_index!.Count} chunks, hit rate@{K} = {hitRate:F3}, MRR@{K} = {mrr:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[rag quality] {mode}: hit rate@{K} = {hitRate:F3}, MRR@{K} = {mrr:F3}"));
        Assert.True(hitRate >= minimumHitRate, $"hit rate@{K} {hitRate:F3} < {minimumHitRate}");
        Assert.True(mrr >= minimumMrr, $"MRR {mrr:F3} < {minimumMrr}");
    }
}
