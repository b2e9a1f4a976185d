using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Rag;

/// <summary>
/// Ingests a folder into a <see cref="SqliteRagStore"/> incrementally: new files are added, changed ones (by
/// content hash) replaced, unchanged ones skipped, and files that disappeared removed. Unreadable, binary, oversized,
/// too deeply nested, too slow to load and unsupported files, and entries that are not regular files (FIFOs,
/// devices, sockets), are reported and passed over; the rest go on.
/// </summary>
/// <remarks>
/// Each file's update is one transaction: an exception or a crash part-way through a file leaves that file's
/// previous version (or nothing, for a new file) in the store. An embedder's failure stops the ingestion with that
/// exception — the files already done stay done, and running it again resumes where it stopped. A loader's failure,
/// whatever its exception, skips only that file. Only files known to be gone are removed from the store: a stored
/// file under a folder that could not be listed, or one that was skipped, stays.
/// </remarks>
public sealed class DocumentIngestor
{
    private readonly SqliteRagStore _store;
    private readonly IngestionOptions _options;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    private readonly TimeProvider _timeProvider;
    private readonly TextChunker _chunker;
    private readonly ILogger _logger;

    /// <summary>Creates an ingestor.</summary>
    /// <param name="store">The store to write to.</param>
    /// <param name="options">What to ingest and how; <see langword="null"/> for the defaults.</param>
    /// <param name="embedder">Computes chunk embeddings; <see langword="null"/> to store text only (keyword search).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs each file's outcome (skips as warnings); file names only, never content.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DocumentIngestor(
        SqliteRagStore store,
        IngestionOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embedder = null,
        TimeProvider? timeProvider = null,
        ILogger<DocumentIngestor>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new IngestionOptions();
        _options.Validate();
        _embedder = embedder;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _chunker = new TextChunker(_options.Chunking);
    }

    /// <summary>Gets or sets how one folder is listed: the file system's listing unless a test simulates an I/O error.</summary>
    internal Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? ListFolder { get; set; }

    /// <summary>Brings the store up to date with the files under <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder to ingest.</param>
    /// <param name="progress">Receives a report after each file; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the ingestion between or within files; finished files stay stored.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> does not exist.</exception>
    /// <exception cref="RagStoreException">The store was filled by another embedding model than this ingestor's.</exception>
    /// <exception cref="OperationCanceledException">The ingestion was cancelled.</exception>
    public async Task<IngestionSummary> IngestFolderAsync(
        string folder, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{folder}' does not exist.");
        }

        // A store remembers which model filled it: another model's vectors would be silently incomparable.
        if (_embedder is not null && EmbeddingModelIdentity.Of(_embedder) is { } identity)
        {
            await _store.RecordEmbeddingModelAsync(identity, cancellationToken).ConfigureAwait(false);
        }

        var started = _timeProvider.GetTimestamp();
        var include = _options.Include.Select(p => new GlobPattern(p)).ToList();
        var exclude = _options.Exclude.Select(p => new GlobPattern(p)).ToList();
        var (files, skipped, unlisted) = FolderWalker.Walk(root, include, exclude, cancellationToken, ListFolder);

        int added = 0, updated = 0, unchanged = 0, chunksWritten = 0;
        long bytesIngested = 0;
        var present = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (fullPath, source) = files[i];
            present.Add(source);
            var outcome = await IngestFileAsync(root, fullPath, source, cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case FileOutcomeKind.Added:
                    added++;
                    break;
                case FileOutcomeKind.Updated:
                    updated++;
                    break;
                case FileOutcomeKind.Unchanged:
                    unchanged++;
                    break;
                default:
                    skipped.Add(new SkippedFile(source, outcome.SkipReason!));
                    IngestionLog.FileSkipped(_logger, source, outcome.SkipReason!);
                    break;
            }

            if (outcome.Kind != FileOutcomeKind.Skipped)
            {
                IngestionLog.FileIngested(_logger, source, outcome.Kind == FileOutcomeKind.Unchanged ? "unchanged" : "written", outcome.Chunks);
            }

            chunksWritten += outcome.Chunks;
            bytesIngested += outcome.Bytes;
            progress?.Report(new IngestionProgress(i + 1, files.Count, source));
        }

        var removed = 0;
        foreach (var stored in await _store.ListDocumentsAsync(root, cancellationToken).ConfigureAwait(false))
        {
            if (!present.Contains(stored.Source) && !FolderWalker.IsUnder(stored.Source, unlisted) && await _store.RemoveDocumentAsync(root, stored.Source, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        IngestionLog.FolderIngested(_logger, root, added, updated, unchanged, removed, skipped.Count, (long)elapsed.TotalMilliseconds);
        return new IngestionSummary
        {
            FilesFound = files.Count,
            Added = added,
            Updated = updated,
            Unchanged = unchanged,
            Removed = removed,
            ChunksWritten = chunksWritten,
            BytesIngested = bytesIngested,
            Skipped = skipped,
            Elapsed = elapsed,
        };
    }

    private async Task<FileOutcome> IngestFileAsync(string root, string fullPath, string source, CancellationToken cancellationToken)
    {
        var loader = DocumentLoaders.ForPath(_options.Loaders, fullPath);
        if (loader is null)
        {
            var extension = Path.GetExtension(fullPath);
            return FileOutcome.Skip(extension.Length == 0 ? "no loader for files without an extension" : $"no loader for '{extension}' files");
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(fullPath).Length;

            // FIFOs, devices and sockets report no length, and opening a FIFO blocks until someone writes to it: a file
            // with nothing in it is never opened.
            if (length == 0)
            {
                return FileOutcome.Skip("empty, or not a regular file (a FIFO, device or socket): not opened");
            }

            if (length > _options.MaxFileBytes)
            {
                return FileOutcome.Skip(string.Create(
                    CultureInfo.InvariantCulture, $"too large: {length:N0} bytes, limit {_options.MaxFileBytes:N0}"));
            }

            bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return FileOutcome.Skip($"unreadable: {exception.Message}");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var previous = await _store.GetDocumentAsync(root, source, cancellationToken).ConfigureAwait(false);
        if (previous is not null && string.Equals(previous.ContentHash, hash, StringComparison.Ordinal))
        {
            return new FileOutcome(FileOutcomeKind.Unchanged, 0, 0, null);
        }

        var (chunks, failure) = await LoadAndChunkAsync(loader, bytes, source, cancellationToken).ConfigureAwait(false);
        if (chunks is null)
        {
            return FileOutcome.Skip(failure!);
        }

        var embeddings = _embedder is null ? null : await EmbedAsync(chunks, cancellationToken).ConfigureAwait(false);
        var record = new StoredDocument(root, source, hash, bytes.LongLength, _timeProvider.GetUtcNow());
        await _store.ReplaceDocumentAsync(record, chunks, embeddings, cancellationToken).ConfigureAwait(false);
        return new FileOutcome(previous is null ? FileOutcomeKind.Added : FileOutcomeKind.Updated, chunks.Count, bytes.LongLength, null);
    }

    /// <summary>
    /// Loads and chunks one file off the caller's thread, within <see cref="IngestionOptions.MaxLoadTime"/>; any failure
    /// of the loader (a parser's own exception included) becomes a reason to skip the file.
    /// </summary>
    private async Task<(IReadOnlyList<TextChunk>? Chunks, string? Failure)> LoadAndChunkAsync(
        IDocumentLoader loader, byte[] bytes, string source, CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(
            async () =>
            {
                using var stream = new MemoryStream(bytes, writable: false);
                var document = await loader.LoadAsync(stream, source, limit.Token).ConfigureAwait(false);
                return _chunker.Chunk(document);
            },
            CancellationToken.None);
        try
        {
            return (await work.WaitAsync(_options.MaxLoadTime, _timeProvider, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TimeoutException)
        {
            // The loader is told to stop; one that does not is left to finish on its own, its result dropped.
            await limit.CancelAsync().ConfigureAwait(false);
            return (null, string.Create(CultureInfo.InvariantCulture, $"took longer than {_options.MaxLoadTime.TotalSeconds:0.###} s to load: abandoned"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DocumentLoadException exception)
        {
            return (null, exception.Message);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return (null, $"the {loader.GetType().Name} failed ({exception.GetType().Name}): {exception.Message}");
        }
        finally
        {
            // Disposed once the work ends, which may be after an abandoned load; its failure is observed there too.
            _ = work.ContinueWith(
                t =>
                {
                    _ = t.Exception;
                    limit.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }

    private async Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedAsync(IReadOnlyList<TextChunk> chunks, CancellationToken cancellationToken)
    {
        var vectors = new List<ReadOnlyMemory<float>>(chunks.Count);
        for (var offset = 0; offset < chunks.Count; offset += _options.EmbeddingBatchSize)
        {
            var batch = chunks.Skip(offset).Take(_options.EmbeddingBatchSize).Select(c => c.Text).ToList();
            var embeddings = await _embedder!.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedder returned {embeddings.Count} embeddings for {batch.Count} texts.");
            }

            vectors.AddRange(embeddings.Select(e => e.Vector));
        }

        return vectors;
    }

    private enum FileOutcomeKind
    {
        Added,
        Updated,
        Unchanged,
        Skipped,
    }

    private readonly record struct FileOutcome(FileOutcomeKind Kind, int Chunks, long Bytes, string? SkipReason)
    {
        public static FileOutcome Skip(string reason) => new(FileOutcomeKind.Skipped, 0, 0, reason);
    }
}
