using System.Text.Json;
using Agents.Backends.Onnx;
using Agents.Rag;

namespace Agents.Bench.Scenarios;

/// <summary>
/// Retrieval quality where keywords fail: the labelled paraphrase set of the RAG tests (questions sharing few or no
/// content words with their answer) ingested with all-MiniLM-L6-v2, scored as hit rate@5 and MRR@5 for BM25 and hybrid.
/// </summary>
internal static class RagParaphraseSet
{
    private const int K = 5;

    public static async Task<(int Documents, int Questions, (double HitRate, double Mrr) Bm25, (double HitRate, double Mrr) Hybrid)> MeasureAsync(
        BenchmarkContext context, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "paraphrase.json"), cancellationToken));
        var folder = Path.Combine(context.WorkDirectory, "rag-paraphrase");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var documents = 0;
        foreach (var document in json.RootElement.GetProperty("documents").EnumerateArray())
        {
            await File.WriteAllTextAsync(Path.Combine(folder, document.GetProperty("source").GetString()!), document.GetProperty("text").GetString(), cancellationToken);
            documents++;
        }

        var questions = json.RootElement.GetProperty("questions").EnumerateArray()
            .Select(q => (Question: q.GetProperty("question").GetString()!, Source: q.GetProperty("source").GetString()!))
            .ToList();
        var storePath = Path.Combine(context.WorkDirectory, "rag-paraphrase.db");
        foreach (var file in new[] { storePath, storePath + "-wal", storePath + "-shm" })
        {
            File.Delete(file);
        }

        using var embedder = new MiniLmEmbeddingGenerator();
        await using var store = await SqliteRagStore.OpenAsync(storePath, cancellationToken);
        await new DocumentIngestor(store, embedder: embedder).IngestFolderAsync(folder, cancellationToken: cancellationToken);
        var retriever = new LocalRetriever(await RagIndex.LoadAsync(store, cancellationToken: cancellationToken), embedder);

        async Task<(double HitRate, double Mrr)> ScoreAsync(RetrievalMode mode)
        {
            var hits = 0;
            var reciprocalRanks = 0.0;
            foreach (var (question, source) in questions)
            {
                var results = await retriever.RetrieveAsync(question, new RetrievalOptions { TopK = K, Mode = mode }, cancellationToken);
                var rank = results.ToList().FindIndex(r => r.Source == source) + 1;
                hits += rank > 0 ? 1 : 0;
                reciprocalRanks += rank > 0 ? 1.0 / rank : 0;
            }

            return ((double)hits / questions.Count, reciprocalRanks / questions.Count);
        }

        var bm25 = await ScoreAsync(RetrievalMode.Keyword);
        var hybrid = await ScoreAsync(RetrievalMode.Hybrid);
        context.Log($"paraphrase set ({questions.Count} questions, {documents} documents): hit@5 BM25 {bm25.HitRate:F3} vs hybrid {hybrid.HitRate:F3}; MRR BM25 {bm25.Mrr:F3} vs hybrid {hybrid.Mrr:F3}");
        return (documents, questions.Count, bm25, hybrid);
    }
}
