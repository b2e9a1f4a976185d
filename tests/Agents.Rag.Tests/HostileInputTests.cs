using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Rag.Tests;

/// <summary>
/// Documents and folders an attacker would hand to ingestion: each must end with the file skipped and reported,
/// the rest ingested, and nothing crashed, hung or wrongly removed.
/// </summary>
public sealed partial class HostileInputTests : IDisposable
{
    private readonly TempFolder _docs = new();
    private readonly TempFolder _storeFolder = new();

    private string StorePath => Path.Combine(_storeFolder.Path, "store.db");

    public void Dispose()
    {
        _docs.Dispose();
        _storeFolder.Dispose();
    }

    private static Task<SourceDocument> LoadAsync(IDocumentLoader loader, string content, string source = "doc") =>
        loader.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), source);

    private static async Task<List<string>> SourcesAsync(SqliteRagStore store)
    {
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var chunk in store.ReadChunksAsync())
        {
            sources.Add(chunk.Source);
        }

        return [.. sources];
    }

    [Fact]
    public async Task HtmlLoader_200000NestedDivs_RefusedBeforeParsing()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 200_000));

        var error = await Assert.ThrowsAsync<DocumentLoadException>(() => LoadAsync(new HtmlDocumentLoader(), html, "deep.html"));

        Assert.Contains("deep.html", error.Message, StringComparison.Ordinal);
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlLoader_NestingAtTheLimit_LoadsAndOneMoreIsRefused()
    {
        var loader = new HtmlDocumentLoader { MaxNestingDepth = 300 };
        static string Nest(int depth) => "<html><body>" + string.Concat(Enumerable.Repeat("<span>", depth - 2)) + "deep text"
            + string.Concat(Enumerable.Repeat("</span>", depth - 2)) + "</body></html>";

        var document = await LoadAsync(loader, Nest(300));

        Assert.Equal("deep text", document.Text);
        await Assert.ThrowsAsync<DocumentLoadException>(() => LoadAsync(loader, Nest(301)));
    }

    [Fact]
    public async Task HtmlLoader_ManyImplicitlyClosedAndVoidElements_AreNotMistakenForNesting()
    {
        var html = "<body>" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"<p>para {i}<br><img src=x>")) + "<ul>"
            + string.Concat(Enumerable.Repeat("<li>item", 2000)) + "</ul><!-- <div><div><div> --><script>if (a<b) { '<div>' }</script></body>";

        var document = await LoadAsync(new HtmlDocumentLoader { MaxNestingDepth = 8 }, html);

        Assert.Contains("para 4999", document.Text, StringComparison.Ordinal);
        Assert.Contains("item", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlLoader_DeepTreeWithinLimit_WalkedWithoutRecursion()
    {
        // Below the default limit the writer walks the tree with its own stack; its text is in document order.
        var html = string.Concat(Enumerable.Range(0, 500).Select(i => $"<section>s{i} ")) + string.Concat(Enumerable.Repeat("</section>", 500));

        var document = await LoadAsync(new HtmlDocumentLoader(), html);

        Assert.StartsWith("s0\ns1\n", document.Text, StringComparison.Ordinal);
        Assert.EndsWith("s499", document.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">", 100_000)]
    [InlineData("- ", 50_000)]
    [InlineData("1. ", 50_000)]
    [InlineData("> - ", 200)]
    [InlineData("[", 100_000)]
    public async Task MarkdownLoader_PathologicalNesting_RefusedWithReason(string unit, int count)
    {
        var markdown = "# Title\n\n" + string.Concat(Enumerable.Repeat(unit, count)) + "text\n";

        var error = await Assert.ThrowsAsync<DocumentLoadException>(() => LoadAsync(new MarkdownDocumentLoader(), markdown, "deep.md"));

        Assert.Contains("deep.md", error.Message, StringComparison.Ordinal);
        Assert.Contains("nest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", 100_000)]
    [InlineData("<div>", 100_000)]
    [InlineData("> ", 100)]
    [InlineData("- ", 40)]
    public async Task MarkdownLoader_LongRunsWithinTheLimit_Load(string unit, int count)
    {
        var markdown = "# Title\n\n" + string.Concat(Enumerable.Repeat(unit, count)) + "text\n";

        var document = await LoadAsync(new MarkdownDocumentLoader(), markdown, "long.md");

        Assert.Equal(markdown, document.Text);
        Assert.Equal("Title", document.Sections[0].HeadingPath);
    }

    [Fact]
    public async Task PdfLoader_MorePagesThanTheLimit_Refused()
    {
        var bytes = PdfFixture.Create("one", "two", "three");

        var error = await Assert.ThrowsAsync<DocumentLoadException>(
            () => new PdfDocumentLoader { MaxPages = 2 }.LoadAsync(new MemoryStream(bytes), "long.pdf"));

        Assert.Contains("3 pages", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await new PdfDocumentLoader { MaxPages = 3 }.LoadAsync(new MemoryStream(bytes), "long.pdf")).Sections.Count);
    }

    [Fact]
    public async Task PdfLoader_StreamExpandingPastTheBudget_Refused()
    {
        // 1 MiB of content stream compressed to about a kilobyte: the shape of a decompression bomb.
        var bytes = FlatePdf.Create("Hello bomb", padding: 1 << 20);
        Assert.True(bytes.Length < 16 * 1024);

        var error = await Assert.ThrowsAsync<DocumentLoadException>(
            () => new PdfDocumentLoader { MaxDecompressedBytes = 64 * 1024 }.LoadAsync(new MemoryStream(bytes), "bomb.pdf"));
        var loaded = await new PdfDocumentLoader().LoadAsync(new MemoryStream(bytes), "bomb.pdf");

        Assert.Contains("decompresses to more than", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hello bomb", loaded.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestFolder_DeepHtmlAmongGoodFiles_SkipsItWithReasonAndIngestsTheRest()
    {
        _docs.Write("deep.html", string.Concat(Enumerable.Repeat("<div>", 200_000)));
        _docs.Write("good.md", "# Good\n\nFine text.");
        _docs.Write("page.html", "<p>Fine page.</p>");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var summary = await new DocumentIngestor(store).IngestFolderAsync(_docs.Path);

        Assert.Equal(2, summary.Added);
        Assert.Contains("deeper than the limit", Assert.Single(summary.Skipped).Reason, StringComparison.Ordinal);
        Assert.Equal(["good.md", "page.html"], await SourcesAsync(store));
    }

    [Fact]
    public async Task IngestFolder_FifoInTheFolder_SkippedWithoutBlockingTheWalk()
    {
        _docs.Write("a.txt", "Before the pipe.");
        _docs.Write("z.txt", "After the pipe.");
        var fifo = Path.Combine(_docs.Path, "m.txt");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        // A guard against the hang this test exists for, not a speed requirement.
        var summary = await new DocumentIngestor(store).IngestFolderAsync(_docs.Path).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(2, summary.Added);
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal("m.txt", skipped.Source);
        Assert.Contains("not a regular file", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestFolder_LoaderThrowsAnyException_OnlyThatFileIsSkipped()
    {
        _docs.Write("a.txt", "Fine.");
        _docs.Write("b.boom", "Explodes.");
        _docs.Write("c.txt", "Also fine.");
        var options = new IngestionOptions { Loaders = [new TextDocumentLoader(), new CallbackLoader(".boom", (_, _) => throw new InvalidOperationException("parser bug"))] };
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var summary = await new DocumentIngestor(store, options).IngestFolderAsync(_docs.Path);

        Assert.Equal(2, summary.Added);
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal("b.boom", skipped.Source);
        Assert.Contains("InvalidOperationException", skipped.Reason, StringComparison.Ordinal);
        Assert.Contains("parser bug", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(["a.txt", "c.txt"], await SourcesAsync(store));
    }

    [Fact]
    public async Task IngestFolder_LoaderHangs_SkippedAfterMaxLoadTimeAndTheRestIngested()
    {
        _docs.Write("a.txt", "Fine.");
        _docs.Write("b.slow", "Never finishes.");
        _docs.Write("c.txt", "Also fine.");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = new CallbackLoader(".slow", async (_, token) =>
        {
            started.SetResult();
            await using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, token);
            throw new UnreachableException();
        });
        var time = new FakeTimeProvider();
        var options = new IngestionOptions { Loaders = [new TextDocumentLoader(), hanging], MaxLoadTime = TimeSpan.FromSeconds(30) };
        await using var store = await SqliteRagStore.OpenAsync(StorePath);

        var ingest = new DocumentIngestor(store, options, timeProvider: time).IngestFolderAsync(_docs.Path);
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(ingest.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var summary = await ingest;

        Assert.Equal(2, summary.Added);
        Assert.Contains("took longer than 30 s", Assert.Single(summary.Skipped).Reason, StringComparison.Ordinal);
        await cancelled.Task;
    }

    [Fact]
    public async Task IngestFolder_SubfolderFailsToList_ItsStoredFilesAreNotRemoved()
    {
        _docs.Write("top.txt", "Top file.");
        _docs.Write("sub/inner.txt", "Inner file.");
        _docs.Write("sub/deeper/more.txt", "Deeper file.");
        _docs.Write("gone.txt", "Will be deleted.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await new DocumentIngestor(store).IngestFolderAsync(_docs.Path);
        File.Delete(Path.Combine(_docs.Path, "gone.txt"));

        // Running as root, permissions cannot make a folder unlistable: the listing itself fails, as an I/O error would.
        var ingestor = new DocumentIngestor(store)
        {
            ListFolder = d => d.Name == "sub" ? throw new IOException("Input/output error") : d.EnumerateFileSystemInfos(),
        };
        var summary = await ingestor.IngestFolderAsync(_docs.Path);

        Assert.Equal(1, summary.Removed);
        Assert.Contains(summary.Skipped, s => s.Source == "sub/" && s.Reason.Contains("Input/output error", StringComparison.Ordinal));
        Assert.Equal(["sub/deeper/more.txt", "sub/inner.txt", "top.txt"], await SourcesAsync(store));
    }

    [Fact]
    public async Task IngestFolder_RootFailsToList_NothingIsRemoved()
    {
        _docs.Write("a.txt", "A file.");
        await using var store = await SqliteRagStore.OpenAsync(StorePath);
        await new DocumentIngestor(store).IngestFolderAsync(_docs.Path);

        var summary = await new DocumentIngestor(store) { ListFolder = _ => throw new UnauthorizedAccessException("denied") }.IngestFolderAsync(_docs.Path);

        Assert.Equal(0, summary.Removed);
        Assert.Equal(["a.txt"], await SourcesAsync(store));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-5.0)]
    [InlineData(30.0 * 24 * 3600)]
    public void IngestionOptions_MaxLoadTimeOutOfRange_ThrowsNamingIt(double seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new IngestionOptions { MaxLoadTime = TimeSpan.FromSeconds(seconds) }.Validate());

        Assert.Equal("MaxLoadTime", error.ParamName);
    }

    [Fact]
    public void IngestionOptions_InfiniteMaxLoadTime_Accepted() =>
        new IngestionOptions { MaxLoadTime = Timeout.InfiniteTimeSpan }.Validate();

    [Fact]
    public void LoaderLimits_BelowOne_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HtmlDocumentLoader { MaxNestingDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarkdownDocumentLoader { MaxNestingDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PdfDocumentLoader { MaxPages = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PdfDocumentLoader { MaxDecompressedBytes = 0 });
    }

    /// <summary>A loader for one extension whose behaviour a test gives.</summary>
    private sealed class CallbackLoader(string extension, Func<Stream, CancellationToken, Task<SourceDocument>> load) : IDocumentLoader
    {
        public IReadOnlyCollection<string> Extensions { get; } = [extension];

        public Task<SourceDocument> LoadAsync(Stream content, string source, CancellationToken cancellationToken = default) =>
            load(content, cancellationToken);
    }

    /// <summary>Writes a one-page PDF whose content stream is Flate-compressed and padded with whitespace.</summary>
    private static class FlatePdf
    {
        public static byte[] Create(string text, int padding)
        {
            var content = Encoding.ASCII.GetBytes($"BT /F1 12 Tf 72 712 Td ({text}) Tj ET" + new string(' ', padding));
            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(content);
            }

            var output = new MemoryStream();
            var offsets = new List<long>();
            void Write(string s) => output.Write(Encoding.ASCII.GetBytes(s));
            void Object(string body)
            {
                offsets.Add(output.Position);
                Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
            }

            Write("%PDF-1.4\n");
            Object("<< /Type /Catalog /Pages 2 0 R >>");
            Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
            Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
            offsets.Add(output.Position);
            Write($"4 0 obj\n<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n");
            output.Write(compressed.ToArray());
            Write("\nendstream\nendobj\n");
            Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
            var xref = output.Position;
            Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
            foreach (var offset in offsets)
            {
                Write($"{offset:D10} 00000 n \n");
            }

            Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
            return output.ToArray();
        }
    }
}
