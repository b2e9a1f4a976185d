using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Agents.Rag.Tests;

public sealed class LoaderTests
{
    private static Task<SourceDocument> LoadAsync(IDocumentLoader loader, string content, string source) =>
        loader.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), source);

    [Fact]
    public async Task TextLoader_Utf8WithBom_ReturnsTextWithoutBom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Grüße aus Köln.\nZweite Zeile.")).ToArray();

        var document = await new TextDocumentLoader().LoadAsync(new MemoryStream(bytes), "notes.txt");

        Assert.Equal("Grüße aus Köln.\nZweite Zeile.", document.Text);
        Assert.Equal("notes.txt", document.Source);
        Assert.Empty(document.Sections);
    }

    [Fact]
    public async Task TextLoader_BinaryContent_ThrowsDocumentLoadException()
    {
        var bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01, 0x02 };

        var error = await Assert.ThrowsAsync<DocumentLoadException>(() => new TextDocumentLoader().LoadAsync(new MemoryStream(bytes), "image.txt"));

        Assert.Contains("binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkdownLoader_NestedHeadings_RecordsHeadingPathsAndKeepsFileText()
    {
        const string markdown = "Intro text.\n\n# Guide\n\nAbout the guide.\n\n## Install\n\nRun the installer.\n\n### Linux\n\nUse apt.\n\n## Usage `cli`\n\nCall it.\n";

        var document = await LoadAsync(new MarkdownDocumentLoader(), markdown, "guide.md");

        Assert.Equal(markdown, document.Text);
        Assert.Null(document.SectionAt(0)!.HeadingPath);
        Assert.Equal("Guide", document.SectionAt(markdown.IndexOf("About", StringComparison.Ordinal))!.HeadingPath);
        Assert.Equal("Guide > Install > Linux", document.SectionAt(markdown.IndexOf("Use apt", StringComparison.Ordinal))!.HeadingPath);
        Assert.Equal("Guide > Usage cli", document.SectionAt(markdown.IndexOf("Call it", StringComparison.Ordinal))!.HeadingPath);
        Assert.Equal(markdown.Length, document.Sections[^1].End);
    }

    [Fact]
    public async Task HtmlLoader_Page_KeepsVisibleTextOnly()
    {
        const string html = """
            <html><head><title>Ignored title</title><style>body { color: red; }</style></head>
            <body>
              <script>var secret = "do not index";</script>
              <h1>Kettles</h1>
              <p>A kettle   boils <b>water</b>.</p>
              <div hidden>hidden text</div>
              <div style="display: none">invisible text</div>
              <h2>Safety</h2>
              <ul><li>Unplug it.</li><li>Let it cool.</li></ul>
              <noscript>enable javascript</noscript>
            </body></html>
            """;

        var document = await LoadAsync(new HtmlDocumentLoader(), html, "kettle.html");

        Assert.Contains("A kettle boils water.", document.Text, StringComparison.Ordinal);
        Assert.Contains("Unplug it.\nLet it cool.", document.Text, StringComparison.Ordinal);
        foreach (var invisible in new[] { "secret", "hidden text", "invisible", "color: red", "Ignored title", "javascript" })
        {
            Assert.DoesNotContain(invisible, document.Text, StringComparison.Ordinal);
        }

        Assert.Equal("Kettles > Safety", document.SectionAt(document.Text.IndexOf("Unplug", StringComparison.Ordinal))!.HeadingPath);
    }

    [Fact]
    public async Task PdfLoader_GeneratedTwoPagePdf_ReturnsTextPerPageWithPageNumbers()
    {
        var pdf = PdfFixture.Create("The first page talks about lighthouses.", "The second page covers harbours.");

        var document = await new PdfDocumentLoader().LoadAsync(new MemoryStream(pdf), "manual.pdf");

        Assert.Equal(2, document.Sections.Count);
        Assert.Equal(1, document.Sections[0].Page);
        Assert.Equal(2, document.Sections[1].Page);
        var first = document.Text[document.Sections[0].Start..document.Sections[0].End];
        var second = document.Text[document.Sections[1].Start..document.Sections[1].End];
        Assert.Contains("lighthouses", first, StringComparison.Ordinal);
        Assert.Contains("harbours", second, StringComparison.Ordinal);
        Assert.Equal(2, document.SectionAt(document.Text.IndexOf("harbours", StringComparison.Ordinal))!.Page);
    }

    [Fact]
    public async Task PdfLoader_CorruptFile_ThrowsDocumentLoadException()
    {
        var bytes = Encoding.ASCII.GetBytes("%PDF-1.7\nthis is not really a pdf");

        await Assert.ThrowsAsync<DocumentLoadException>(() => new PdfDocumentLoader().LoadAsync(new MemoryStream(bytes), "broken.pdf"));
    }

    [Theory]
    [InlineData("a/b/readme.MD", typeof(MarkdownDocumentLoader))]
    [InlineData("page.htm", typeof(HtmlDocumentLoader))]
    [InlineData("doc.pdf", typeof(PdfDocumentLoader))]
    [InlineData("notes.txt", typeof(TextDocumentLoader))]
    public void ForPath_KnownExtension_FindsLoader(string path, Type expected) =>
        Assert.IsType(expected, DocumentLoaders.ForPath(DocumentLoaders.Default, path));

    [Fact]
    public void ForPath_UnknownExtension_ReturnsNull() =>
        Assert.Null(DocumentLoaders.ForPath(DocumentLoaders.Default, "archive.zip"));
}

/// <summary>Writes small PDFs with PdfPig's builder, one line of text per page.</summary>
internal static class PdfFixture
{
    public static byte[] Create(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            page.AddText(text, 12, new PdfPoint(25, 700), font);
        }

        return builder.Build();
    }
}
