using Agents.Backends.Llama;
using Agents.Testing;

namespace Agents.Rag.Tests;

/// <summary>Hybrid retrieval with the local backend's real embedder over the small test model.</summary>
public sealed class LlamaEmbedderHybridTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task IngestAndRetrieve_TestModelEmbedder_StoresItsVectorsAndFusesBothRankings()
    {
        _folder.Write("docs/kettle.md", "# Kettle\n\nDescale the kettle every month with white vinegar.");
        _folder.Write("docs/toaster.txt", "Empty the toaster crumb tray every week.");
        _folder.Write("docs/fridge.txt", "Defrost the freezer when the ice is thicker than five millimetres.");
        using var embedder = new LlamaEmbeddingGenerator(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });
        await using var store = await SqliteRagStore.OpenAsync(Path.Combine(_folder.Path, "store.db"));

        await new DocumentIngestor(store, embedder: embedder).IngestFolderAsync(Path.Combine(_folder.Path, "docs"));
        var index = await RagIndex.LoadAsync(store);
        var results = await new LocalRetriever(index, embedder).RetrieveAsync("descale the kettle with vinegar", new RetrievalOptions { TopK = 3 });

        Assert.Equal(embedder.Dimensions, index.EmbeddingDimensions);
        Assert.Equal(3, results.Count);
        Assert.Equal("kettle.md", results[0].Source);
        Assert.Equal(1, results[0].KeywordRank);
        Assert.All(results, r => Assert.NotNull(r.VectorRank));
    }
}
