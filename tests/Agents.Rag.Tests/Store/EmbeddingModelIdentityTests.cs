using Microsoft.Extensions.AI;

namespace Agents.Rag.Tests;

public sealed class EmbeddingModelIdentityTests : IDisposable
{
    private static readonly EmbeddingModelIdentity Hashed = new("test", "hashed-bow", HashedBagOfWordsEmbedder.Dimensions);

    private readonly TempFolder _docs = new();
    private readonly TempFolder _storeFolder = new();

    private string StorePath => Path.Combine(_storeFolder.Path, "store.db");

    public void Dispose()
    {
        _docs.Dispose();
        _storeFolder.Dispose();
    }

    private static HashedBagOfWordsEmbedder Embedder(string model = "hashed-bow") =>
        new() { Metadata = new EmbeddingGeneratorMetadata("test", null, model, HashedBagOfWordsEmbedder.Dimensions) };

    [Fact]
    public void Of_EmbedderReportingMetadata_ReadsProviderModelAndDimensions()
    {
        Assert.Equal(Hashed, EmbeddingModelIdentity.Of(Embedder()));
    }

    [Theory]
    [InlineData(null, "m", 3)]
    [InlineData("p", null, 3)]
    [InlineData("p", "m", null)]
    [InlineData("", "m", 3)]
    [InlineData("p", "", 3)]
    [InlineData("p", "m", 0)]
    public void Of_IncompleteMetadata_IsNull(string? provider, string? model, int? dimensions)
    {
        var embedder = new HashedBagOfWordsEmbedder { Metadata = new EmbeddingGeneratorMetadata(provider, null, model, dimensions) };

        Assert.Null(EmbeddingModelIdentity.Of(embedder));
        Assert.Null(EmbeddingModelIdentity.Of(new HashedBagOfWordsEmbedder()));
    }

    [Fact]
    public void ToString_NamesProviderModelAndDimensions()
    {
        Assert.Equal("test/hashed-bow (256 dimensions)", Hashed.ToString());
    }

    [Fact]
    public async Task RecordEmbeddingModel_EmptyStore_IsRememberedAcrossReopening()
    {
        await using (var store = await SqliteRagStore.OpenAsync(StorePath))
        {
            Assert.Null(await store.GetEmbeddingModelAsync());
            await store.RecordEmbeddingModelAsync(Hashed);
            await store.RecordEmbeddingModelAsync(Hashed);
        }

        await using var reopened = await SqliteRagStore.OpenAsync(StorePath);
        Assert.Equal(Hashed, await reopened.GetEmbeddingModelAsync());
    }

    [Theory]
    [InlineData("other", "hashed-bow", 256)]
    [InlineData("test", "other-model", 256)]
    [InlineData("test", "hashed-bow", 128)]
    public async Task RecordAndEnsure_AnotherModel_ThrowNamingBoth(string provider, string model, int dimensions)
    {
        var other = new EmbeddingModelIdentity(provider, model, dimensions);
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await store.RecordEmbeddingModelAsync(Hashed);

        var recordError = await Assert.ThrowsAsync<RagStoreException>(() => store.RecordEmbeddingModelAsync(other));
        var ensureError = await Assert.ThrowsAsync<RagStoreException>(() => store.EnsureEmbeddingModelAsync(other));

        Assert.Contains(Hashed.ToString(), recordError.Message, StringComparison.Ordinal);
        Assert.Contains(other.ToString(), ensureError.Message, StringComparison.Ordinal);
        Assert.Equal(Hashed, await store.GetEmbeddingModelAsync());
    }

    [Fact]
    public async Task EnsureEmbeddingModel_NothingRecorded_AcceptsAnyModel()
    {
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        await store.EnsureEmbeddingModelAsync(Hashed);

        Assert.Null(await store.GetEmbeddingModelAsync());
    }

    [Fact]
    public async Task RecordEmbeddingModel_LegacyStoreWithVectorsOnly_AcceptsSameDimensionsOnly()
    {
        _docs.Write("a.txt", "Vectors from before models were recorded.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await new DocumentIngestor(store, embedder: new HashedBagOfWordsEmbedder()).IngestFolderAsync(_docs.Path);
        Assert.Null(await store.GetEmbeddingModelAsync());

        await Assert.ThrowsAsync<RagStoreException>(() => store.RecordEmbeddingModelAsync(Hashed with { Dimensions = 128 }));
        await store.RecordEmbeddingModelAsync(Hashed);

        Assert.Equal(Hashed, await store.GetEmbeddingModelAsync());
    }

    [Fact]
    public async Task IngestFolder_EmbedderWithIdentity_RecordsItAndRefusesAnotherModelBeforeWriting()
    {
        _docs.Write("a.txt", "Some text about rivers.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await new DocumentIngestor(store, embedder: Embedder()).IngestFolderAsync(_docs.Path);
        _docs.Write("b.txt", "More text about hills.");

        await Assert.ThrowsAsync<RagStoreException>(
            () => new DocumentIngestor(store, embedder: Embedder("other-model")).IngestFolderAsync(_docs.Path));

        Assert.Equal(Hashed, await store.GetEmbeddingModelAsync());
        Assert.Equal((1, 1), await store.CountAsync());
    }

    [Fact]
    public async Task IngestFolder_WithoutEmbedder_RecordsNoModel()
    {
        _docs.Write("a.txt", "Text only.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        await new DocumentIngestor(store).IngestFolderAsync(_docs.Path);

        Assert.Null(await store.GetEmbeddingModelAsync());
    }

    [Fact]
    public async Task Methods_NullIdentity_ThrowArgumentNull()
    {
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.RecordEmbeddingModelAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.EnsureEmbeddingModelAsync(null!));
        Assert.Throws<ArgumentNullException>(() => EmbeddingModelIdentity.Of(null!));
    }
}
