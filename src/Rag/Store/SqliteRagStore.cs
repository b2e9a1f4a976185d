using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Agents.Rag;

/// <summary>
/// One SQLite file holding the ingested documents, their chunks and the chunks' embeddings. Each document's update
/// is one transaction, so an interrupted ingestion leaves every document either wholly old or wholly new.
/// </summary>
/// <remarks>
/// The keyword index and the vectors are held in memory by <see cref="RagIndex"/>, loaded from this store; the store
/// itself keeps only text, metadata and raw vectors. All members are safe to call concurrently (calls are serialised).
/// </remarks>
public sealed class SqliteRagStore : IDisposable, IAsyncDisposable
{
    /// <summary>The schema version this library reads and writes, recorded in the file.</summary>
    public const int SchemaVersion = 1;

    private const string SchemaVersionKey = "schema_version";
    private const string EmbeddingDimensionsKey = "embedding_dimensions";
    private const string EmbeddingProviderKey = "embedding_provider";
    private const string EmbeddingModelKey = "embedding_model";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private SqliteRagStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        FilePath = path;
    }

    /// <summary>Gets the full path of the store file.</summary>
    public string FilePath { get; }

    /// <summary>Runs after each chunk row is written, inside the document's transaction; lets tests simulate a crash.</summary>
    internal Action<int>? ChunkWrittenHook { get; set; }

    /// <summary>Opens the store at <paramref name="path"/>, creating the file and its schema when it does not exist.</summary>
    /// <param name="path">The store file; its folder is created if missing.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="RagStoreSchemaException">
    /// The file records a schema version other than <see cref="SchemaVersion"/> (written by a newer library), or is a
    /// SQLite database that is not a RAG store.
    /// </exception>
    /// <exception cref="RagStoreException">The file cannot be opened as a SQLite database.</exception>
    public static async Task<SqliteRagStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
            await EnsureSchemaAsync(connection, fullPath, cancellationToken).ConfigureAwait(false);
            return new SqliteRagStore(connection, fullPath);
        }
        catch (SqliteException exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new RagStoreException($"'{fullPath}' cannot be opened as a RAG store: {exception.Message}", exception);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Finds the stored record of one file.</summary>
    /// <param name="root">The full path of the ingested folder.</param>
    /// <param name="source">The file's path relative to <paramref name="root"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The record, or <see langword="null"/> when the file is not in the store.</returns>
    public async Task<StoredDocument?> GetDocumentAsync(string root, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(source);
        var documents = await QueryDocumentsAsync("WHERE root = $root AND source = $source", root, source, cancellationToken).ConfigureAwait(false);
        return documents.Count == 0 ? null : documents[0];
    }

    /// <summary>Lists the stored files.</summary>
    /// <param name="root">Only files ingested from this folder, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The records, ordered by root then source.</returns>
    public Task<IReadOnlyList<StoredDocument>> ListDocumentsAsync(string? root = null, CancellationToken cancellationToken = default) =>
        QueryDocumentsAsync(root is null ? string.Empty : "WHERE root = $root", root, null, cancellationToken);

    /// <summary>
    /// Stores a file's chunks (and their embeddings), replacing whatever was stored for it, in one transaction.
    /// </summary>
    /// <param name="document">The file's record.</param>
    /// <param name="chunks">The file's chunks, in order.</param>
    /// <param name="embeddings">One embedding per chunk, or <see langword="null"/> when ingesting without an embedder.</param>
    /// <param name="cancellationToken">Cancels the write; the transaction is then rolled back.</param>
    /// <returns>A task that completes when the transaction has committed.</returns>
    /// <exception cref="ArgumentException">The embeddings do not match the chunks one for one.</exception>
    /// <exception cref="RagStoreException">The embeddings' dimension differs from the one already in the store.</exception>
    public async Task ReplaceDocumentAsync(
        StoredDocument document,
        IReadOnlyList<TextChunk> chunks,
        IReadOnlyList<ReadOnlyMemory<float>>? embeddings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunks);
        if (embeddings is not null && embeddings.Count != chunks.Count)
        {
            throw new ArgumentException($"Got {embeddings.Count} embeddings for {chunks.Count} chunks.", nameof(embeddings));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            if (embeddings is { Count: > 0 })
            {
                await CheckDimensionsAsync(transaction, embeddings, cancellationToken).ConfigureAwait(false);
            }

            var documentId = await UpsertDocumentAsync(transaction, document, cancellationToken).ConfigureAwait(false);
            using (var delete = Command(transaction, "DELETE FROM rag_chunks WHERE document_id = $id"))
            {
                delete.Parameters.AddWithValue("$id", documentId);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertChunksAsync(transaction, documentId, chunks, embeddings, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gets the embedding model recorded as having filled this store, if any.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The recorded identity; <see langword="null"/> for a store without a recorded model.</returns>
    public async Task<EmbeddingModelIdentity?> GetEmbeddingModelAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await ReadEmbeddingModelAsync(null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records <paramref name="identity"/> as the model whose vectors this store holds, or checks that it is the one
    /// already recorded. A store that holds vectors from before models were recorded accepts a model whose dimension
    /// count matches them.
    /// </summary>
    /// <param name="identity">The embedder about to write or query vectors.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the identity is recorded or found to match.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="RagStoreException">The store was filled by another model, or with vectors of another length.</exception>
    public async Task RecordEmbeddingModelAsync(EmbeddingModelIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            if (await ReadEmbeddingModelAsync(transaction, cancellationToken).ConfigureAwait(false) is { } recorded)
            {
                ThrowIfDifferent(recorded, identity);
                return;
            }

            using (var read = Command(transaction, $"SELECT value FROM rag_meta WHERE key = '{EmbeddingDimensionsKey}'"))
            {
                if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string stored
                    && stored != identity.Dimensions.ToString(CultureInfo.InvariantCulture))
                {
                    throw new RagStoreException(
                        $"The store holds {stored}-dimensional embeddings; {identity} cannot search or extend them. Use the model that filled it, or a new store.");
                }
            }

            foreach (var (key, value) in new[]
            {
                (EmbeddingProviderKey, identity.Provider),
                (EmbeddingModelKey, identity.Model),
                (EmbeddingDimensionsKey, identity.Dimensions.ToString(CultureInfo.InvariantCulture)),
            })
            {
                using var write = Command(transaction, "INSERT INTO rag_meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
                write.Parameters.AddWithValue("$key", key);
                write.Parameters.AddWithValue("$value", value);
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Throws unless <paramref name="identity"/> may query this store's vectors (the recorded model, or any model when none is recorded).</summary>
    /// <param name="identity">The embedder about to embed queries.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the embedder is found compatible.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="RagStoreException">The store was filled by another model.</exception>
    public async Task EnsureEmbeddingModelAsync(EmbeddingModelIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (await GetEmbeddingModelAsync(cancellationToken).ConfigureAwait(false) is { } recorded)
        {
            ThrowIfDifferent(recorded, identity);
        }
    }

    /// <summary>Removes a file and its chunks.</summary>
    /// <param name="root">The full path of the ingested folder.</param>
    /// <param name="source">The file's path relative to <paramref name="root"/>.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when the file was in the store.</returns>
    public async Task<bool> RemoveDocumentAsync(string root, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _connection.BeginTransaction();
            using var command = Command(
                transaction,
                "DELETE FROM rag_chunks WHERE document_id IN (SELECT id FROM rag_documents WHERE root = $root AND source = $source);"
                + "DELETE FROM rag_documents WHERE root = $root AND source = $source;");
            command.Parameters.AddWithValue("$root", root);
            command.Parameters.AddWithValue("$source", source);
            var removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return removed > 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads every chunk, with its source and embedding, in source then chunk order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The chunks.</returns>
    /// <remarks>The store is held for the whole enumeration: finish (or dispose) it before calling other members.</remarks>
    public async IAsyncEnumerable<StoredChunk> ReadChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(
                null,
                "SELECT c.chunk_id, d.source, c.ordinal, c.start_char, c.end_char, c.text, c.token_count, c.page, c.heading, c.embedding "
                + "FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id ORDER BY d.root, d.source, c.ordinal");
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new StoredChunk
                {
                    Id = reader.GetString(0),
                    Source = reader.GetString(1),
                    Index = reader.GetInt32(2),
                    Start = reader.GetInt32(3),
                    End = reader.GetInt32(4),
                    Text = reader.GetString(5),
                    TokenCount = reader.GetInt32(6),
                    Page = reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    HeadingPath = reader.IsDBNull(8) ? null : reader.GetString(8),
                    Embedding = reader.IsDBNull(9) ? null : MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(9)).ToArray(),
                };
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts the stored documents and chunks.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The number of documents and of chunks.</returns>
    public async Task<(int Documents, int Chunks)> CountAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(null, "SELECT (SELECT COUNT(*) FROM rag_documents), (SELECT COUNT(*) FROM rag_chunks)");
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetInt32(0), reader.GetInt32(1));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection.Dispose();
        _gate.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static async Task EnsureSchemaAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new List<string>();
        using (var reader = await tables.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        if (names.Contains("rag_meta"))
        {
            using var version = connection.CreateCommand();
            version.CommandText = $"SELECT value FROM rag_meta WHERE key = '{SchemaVersionKey}'";
            var value = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var found))
            {
                throw new RagStoreSchemaException($"'{path}' records no schema version; it is not a RAG store or it is damaged.");
            }

            if (found != SchemaVersion)
            {
                throw new RagStoreSchemaException(
                    found > SchemaVersion
                        ? $"'{path}' has schema version {found}, written by a newer version of Agents.Rag; this version reads version {SchemaVersion}. Upgrade Agents.Rag or re-ingest into a new store."
                        : $"'{path}' has schema version {found}, which this version (schema {SchemaVersion}) cannot read. Re-ingest into a new store.")
                {
                    FoundVersion = found,
                };
            }

            return;
        }

        if (names.Count > 0)
        {
            throw new RagStoreSchemaException($"'{path}' is a SQLite database but not a RAG store (it has tables {string.Join(", ", names)}).");
        }

        using var transaction = connection.BeginTransaction();
        using var create = connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = $"""
            CREATE TABLE rag_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO rag_meta (key, value) VALUES ('{SchemaVersionKey}', '{SchemaVersion}');
            CREATE TABLE rag_documents (
                id INTEGER PRIMARY KEY,
                root TEXT NOT NULL,
                source TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                byte_length INTEGER NOT NULL,
                ingested_utc TEXT NOT NULL,
                UNIQUE (root, source));
            CREATE TABLE rag_chunks (
                document_id INTEGER NOT NULL,
                ordinal INTEGER NOT NULL,
                chunk_id TEXT NOT NULL,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                token_count INTEGER NOT NULL,
                page INTEGER,
                heading TEXT,
                text TEXT NOT NULL,
                embedding BLOB,
                PRIMARY KEY (document_id, ordinal));
            CREATE INDEX ix_rag_chunks_chunk_id ON rag_chunks (chunk_id);
            """;
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoredDocument>> QueryDocumentsAsync(string where, string? root, string? source, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = Command(null, $"SELECT root, source, content_hash, byte_length, ingested_utc FROM rag_documents {where} ORDER BY root, source");
            if (root is not null)
            {
                command.Parameters.AddWithValue("$root", root);
            }

            if (source is not null)
            {
                command.Parameters.AddWithValue("$source", source);
            }

            var documents = new List<StoredDocument>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                documents.Add(new StoredDocument(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetInt64(3),
                    DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
            }

            return documents;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void ThrowIfDifferent(EmbeddingModelIdentity recorded, EmbeddingModelIdentity identity)
    {
        if (recorded != identity)
        {
            throw new RagStoreException(
                $"The store was filled by the embedding model {recorded}; {identity} cannot search or extend it. Use the same model, or a new store.");
        }
    }

    private async Task<EmbeddingModelIdentity?> ReadEmbeddingModelAsync(SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var read = Command(transaction, $"SELECT key, value FROM rag_meta WHERE key IN ('{EmbeddingProviderKey}', '{EmbeddingModelKey}', '{EmbeddingDimensionsKey}')");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return values.TryGetValue(EmbeddingProviderKey, out var provider)
            && values.TryGetValue(EmbeddingModelKey, out var model)
            && values.TryGetValue(EmbeddingDimensionsKey, out var dimensionsText)
            && int.TryParse(dimensionsText, NumberStyles.None, CultureInfo.InvariantCulture, out var dimensions)
            ? new EmbeddingModelIdentity(provider, model, dimensions)
            : null;
    }

    private async Task CheckDimensionsAsync(SqliteTransaction transaction, IReadOnlyList<ReadOnlyMemory<float>> embeddings, CancellationToken cancellationToken)
    {
        var dimensions = embeddings[0].Length;
        if (embeddings.Any(e => e.Length != dimensions))
        {
            throw new ArgumentException("The embeddings do not all have the same dimension.", nameof(embeddings));
        }

        using var read = Command(transaction, $"SELECT value FROM rag_meta WHERE key = '{EmbeddingDimensionsKey}'");
        var stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        if (stored is null)
        {
            using var write = Command(transaction, $"INSERT INTO rag_meta (key, value) VALUES ('{EmbeddingDimensionsKey}', $value)");
            write.Parameters.AddWithValue("$value", dimensions.ToString(CultureInfo.InvariantCulture));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (stored != dimensions.ToString(CultureInfo.InvariantCulture))
        {
            throw new RagStoreException(
                $"The store holds {stored}-dimensional embeddings; these have {dimensions}. Use the same embedding model, or a new store.");
        }
    }

    private async Task<long> UpsertDocumentAsync(SqliteTransaction transaction, StoredDocument document, CancellationToken cancellationToken)
    {
        using var upsert = Command(
            transaction,
            "INSERT INTO rag_documents (root, source, content_hash, byte_length, ingested_utc) VALUES ($root, $source, $hash, $length, $ingested) "
            + "ON CONFLICT (root, source) DO UPDATE SET content_hash = excluded.content_hash, byte_length = excluded.byte_length, ingested_utc = excluded.ingested_utc "
            + "RETURNING id");
        upsert.Parameters.AddWithValue("$root", document.Root);
        upsert.Parameters.AddWithValue("$source", document.Source);
        upsert.Parameters.AddWithValue("$hash", document.ContentHash);
        upsert.Parameters.AddWithValue("$length", document.ByteLength);
        upsert.Parameters.AddWithValue("$ingested", document.IngestedUtc.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return (long)(await upsert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task InsertChunksAsync(
        SqliteTransaction transaction, long documentId, IReadOnlyList<TextChunk> chunks, IReadOnlyList<ReadOnlyMemory<float>>? embeddings, CancellationToken cancellationToken)
    {
        using var insert = Command(
            transaction,
            "INSERT INTO rag_chunks (document_id, ordinal, chunk_id, start_char, end_char, token_count, page, heading, text, embedding) "
            + "VALUES ($document, $ordinal, $id, $start, $end, $tokens, $page, $heading, $text, $embedding)");
        var document = insert.Parameters.Add("$document", SqliteType.Integer);
        var ordinal = insert.Parameters.Add("$ordinal", SqliteType.Integer);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var start = insert.Parameters.Add("$start", SqliteType.Integer);
        var end = insert.Parameters.Add("$end", SqliteType.Integer);
        var tokens = insert.Parameters.Add("$tokens", SqliteType.Integer);
        var page = insert.Parameters.Add("$page", SqliteType.Integer);
        var heading = insert.Parameters.Add("$heading", SqliteType.Text);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        var embedding = insert.Parameters.Add("$embedding", SqliteType.Blob);
        document.Value = documentId;
        for (var i = 0; i < chunks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = chunks[i];
            ordinal.Value = i;
            id.Value = chunk.Id;
            start.Value = chunk.Start;
            end.Value = chunk.End;
            tokens.Value = chunk.TokenCount;
            page.Value = chunk.Page is { } p ? p : DBNull.Value;
            heading.Value = chunk.HeadingPath is { } h ? h : DBNull.Value;
            text.Value = chunk.Text;
            embedding.Value = embeddings is null ? DBNull.Value : MemoryMarshal.AsBytes(embeddings[i].Span).ToArray();
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            ChunkWrittenHook?.Invoke(i);
        }
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
