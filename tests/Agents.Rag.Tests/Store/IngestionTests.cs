using Microsoft.Data.Sqlite;

namespace Agents.Rag.Tests;

public sealed class IngestionTests : IDisposable
{
    private readonly TempFolder _docs = new();
    private readonly TempFolder _storeFolder = new();

    private string StorePath => Path.Combine(_storeFolder.Path, "store.db");

    public void Dispose()
    {
        _docs.Dispose();
        _storeFolder.Dispose();
    }

    private async Task<IngestionSummary> IngestAsync(SqliteRagStore store, IngestionOptions? options = null, HashedBagOfWordsEmbedder? embedder = null) =>
        await new DocumentIngestor(store, options, embedder).IngestFolderAsync(_docs.Path);

    private static async Task<List<StoredChunk>> ChunksAsync(SqliteRagStore store)
    {
        var list = new List<StoredChunk>();
        await foreach (var chunk in store.ReadChunksAsync())
        {
            list.Add(chunk);
        }

        return list;
    }

    [Fact]
    public async Task IngestFolder_NewFiles_AddsEveryFormatWithChunks()
    {
        _docs.Write("a.txt", "Plain text about sailing boats.");
        _docs.Write("sub/b.md", "# Title\n\nMarkdown about gardening.");
        _docs.Write("c.html", "<html><body><p>HTML about cooking.</p></body></html>");
        _docs.WriteBytes("d.pdf", PdfFixture.Create("PDF about astronomy."));
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var summary = await IngestAsync(store);

        Assert.Equal(4, summary.Added);
        Assert.Equal(4, summary.FilesFound);
        Assert.Empty(summary.Skipped);
        var chunks = await ChunksAsync(store);
        Assert.Equal(["a.txt", "c.html", "d.pdf", "sub/b.md"], chunks.Select(c => c.Source).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(1, chunks.Single(c => c.Source == "d.pdf").Page);
        Assert.Equal("Title", chunks.Single(c => c.Source == "sub/b.md").HeadingPath);
    }

    [Fact]
    public async Task IngestFolder_SecondRun_SkipsUnchangedReplacesModifiedRemovesDeleted()
    {
        _docs.Write("keep.txt", "This file stays the same.");
        _docs.Write("change.txt", "Original content about rivers.");
        _docs.Write("delete.txt", "Soon to be deleted.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await IngestAsync(store);

        _docs.Write("change.txt", "Modified content about mountains.");
        File.Delete(Path.Combine(_docs.Path, "delete.txt"));
        _docs.Write("new.txt", "A brand new file.");
        var summary = await IngestAsync(store);

        Assert.Equal((1, 1, 1, 1), (summary.Added, summary.Updated, summary.Unchanged, summary.Removed));
        var chunks = await ChunksAsync(store);
        Assert.Equal(["change.txt", "keep.txt", "new.txt"], chunks.Select(c => c.Source).Order(StringComparer.Ordinal));
        Assert.Contains("mountains", chunks.Single(c => c.Source == "change.txt").Text, StringComparison.Ordinal);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("rivers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestFolder_CrashMidFile_LeavesPreviousVersionAndRerunRecovers()
    {
        var longText = string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Paragraph {i} about the original topic of lighthouses and their keepers."));
        _docs.Write("big.txt", longText);
        _docs.Write("other.txt", "An unrelated file.");
        await using (var store = await SqliteRagStore.OpenAsync(StorePath))
        {
            await IngestAsync(store);
        }

        var originalChunks = await ReadAllAsync();
        _docs.Write("big.txt", longText.Replace("lighthouses", "windmills", StringComparison.Ordinal));

        await using (var store = await SqliteRagStore.OpenAsync(StorePath))
        {
            // The crash comes after some of the new chunks are written, inside the file's transaction.
            store.ChunkWrittenHook = i =>
            {
                if (i == 2)
                {
                    throw new IOException("Simulated crash mid-file.");
                }
            };
            await Assert.ThrowsAsync<IOException>(() => IngestAsync(store));
        }

        var afterCrash = await ReadAllAsync();
        Assert.Equal(originalChunks.Select(c => (c.Id, c.Text)), afterCrash.Select(c => (c.Id, c.Text)));
        Assert.DoesNotContain(afterCrash, c => c.Text.Contains("windmills", StringComparison.Ordinal));

        await using (var store = await SqliteRagStore.OpenAsync(StorePath))
        {
            var summary = await IngestAsync(store);
            Assert.Equal(1, summary.Updated);
            Assert.Equal(1, summary.Unchanged);
        }

        var recovered = await ReadAllAsync();
        Assert.Contains(recovered, c => c.Text.Contains("windmills", StringComparison.Ordinal));
        Assert.DoesNotContain(recovered, c => c.Text.Contains("lighthouses", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestFolder_EmbedderFailsOnSecondFile_FirstFileStaysCommitted()
    {
        _docs.Write("1.txt", "First file about owls.");
        _docs.Write("2.txt", "Second file about foxes.");
        var embedder = new HashedBagOfWordsEmbedder { FailWhen = texts => texts.Any(t => t.Contains("foxes", StringComparison.Ordinal)) };
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        await Assert.ThrowsAsync<InvalidOperationException>(() => IngestAsync(store, embedder: embedder));

        var chunks = await ChunksAsync(store);
        Assert.Equal("1.txt", Assert.Single(chunks).Source);
        Assert.Equal(HashedBagOfWordsEmbedder.Dimensions, chunks[0].Embedding!.Value.Length);
    }

    [Fact]
    public async Task IngestFolder_ProblemFiles_AreSkippedWithReasonsAndTheRestIngested()
    {
        _docs.Write("good.txt", "Readable text.");
        _docs.WriteBytes("binary.txt", [0x00, 0x01, 0x02, 0x03]);
        _docs.Write("big.txt", new string('x', 5000));
        _docs.Write("archive.zip", "not really a zip");
        _docs.Write("broken.pdf", "%PDF-1.4 garbage");
        using var outside = new TempFolder();
        File.WriteAllText(Path.Combine(outside.Path, "secret.txt"), "Outside the root.");
        File.CreateSymbolicLink(Path.Combine(_docs.Path, "link.txt"), Path.Combine(outside.Path, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_docs.Path, "linkdir"), outside.Path);
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var summary = await IngestAsync(store, new IngestionOptions { MaxFileBytes = 1000 });

        Assert.Equal(1, summary.Added);
        var reasons = summary.Skipped.ToDictionary(s => s.Source, s => s.Reason);
        Assert.Contains("binary", reasons["binary.txt"], StringComparison.Ordinal);
        Assert.Contains("too large", reasons["big.txt"], StringComparison.Ordinal);
        Assert.Contains("no loader", reasons["archive.zip"], StringComparison.Ordinal);
        Assert.Contains("PDF", reasons["broken.pdf"], StringComparison.Ordinal);
        Assert.Contains("outside the folder", reasons["link.txt"], StringComparison.Ordinal);
        Assert.Contains("outside the folder", reasons["linkdir"], StringComparison.Ordinal);
        Assert.DoesNotContain(await ChunksAsync(store), c => c.Text.Contains("Outside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestFolder_IncludeAndExcludeGlobs_SelectFiles()
    {
        _docs.Write("docs/guide.md", "# Guide\n\nText.");
        _docs.Write("docs/drafts/old.md", "Draft.");
        _docs.Write("notes.txt", "Notes.");
        var options = new IngestionOptions();
        options.Include.Add("docs/**/*.md");
        options.Exclude.Add("**/drafts/**");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var summary = await IngestAsync(store, options);

        Assert.Equal(1, summary.Added);
        Assert.Equal("docs/guide.md", (await ChunksAsync(store)).Single().Source);
    }

    [Fact]
    public async Task OpenAsync_StoreFromNewerSchema_ThrowsTypedSchemaError()
    {
        await using (var store = await SqliteRagStore.OpenAsync(StorePath))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE rag_meta SET value = '99' WHERE key = 'schema_version'";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<RagStoreSchemaException>(() => SqliteRagStore.OpenAsync(StorePath));

        Assert.Equal(99, error.FoundVersion);
        Assert.Equal(SqliteRagStore.SchemaVersion, error.SupportedVersion);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnrelatedSqliteDatabase_ThrowsTypedSchemaError()
    {
        using (var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers (id INTEGER)";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<RagStoreSchemaException>(() => SqliteRagStore.OpenAsync(StorePath));

        Assert.Contains("not a RAG store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NotADatabase_ThrowsRagStoreException()
    {
        File.WriteAllText(StorePath, "this is a text file, not SQLite, and it is long enough to have a header......");

        await Assert.ThrowsAnyAsync<RagStoreException>(() => SqliteRagStore.OpenAsync(StorePath));
    }

    [Fact]
    public async Task ReplaceDocument_EmbeddingDimensionChanges_ThrowsRagStoreException()
    {
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        var chunk = new TextChunk { Id = "x", Index = 0, Start = 0, End = 1, Text = "x", TokenCount = 1 };
        await store.ReplaceDocumentAsync(new StoredDocument("/r", "a", "h", 1, DateTimeOffset.UnixEpoch), [chunk], [new float[4]]);

        await Assert.ThrowsAsync<RagStoreException>(() =>
            store.ReplaceDocumentAsync(new StoredDocument("/r", "b", "h", 1, DateTimeOffset.UnixEpoch), [chunk], [new float[8]]));
    }

    private async Task<List<StoredChunk>> ReadAllAsync()
    {
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        return await ChunksAsync(store);
    }
}
