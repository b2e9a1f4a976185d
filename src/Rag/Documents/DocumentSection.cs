namespace Agents.Rag;

/// <summary>
/// A span of a <see cref="SourceDocument"/>'s text that shares one location: a PDF page, or the part of a
/// Markdown file under one heading.
/// </summary>
/// <param name="Start">The index of the section's first character in <see cref="SourceDocument.Text"/>.</param>
/// <param name="End">The index just past the section's last character.</param>
/// <param name="Page">The 1-based page number, for paged formats such as PDF; otherwise <see langword="null"/>.</param>
/// <param name="HeadingPath">The headings above the section, outermost first, joined by " &gt; "; otherwise <see langword="null"/>.</param>
public sealed record DocumentSection(int Start, int End, int? Page = null, string? HeadingPath = null);
