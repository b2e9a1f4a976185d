using System.Security.Cryptography;
using System.Text;

namespace Agents.Rag;

/// <summary>
/// Cuts documents into chunks of at most <see cref="ChunkingOptions.MaxTokens"/> tokens, preferring to cut at the
/// strongest structural boundary available — a heading or page, then a paragraph, a sentence, a word.
/// </summary>
/// <remarks>
/// <para>
/// Guarantees, checked by property tests: the chunks are contiguous ranges of the text that together cover all
/// of it; consecutive chunks share exactly the requested overlap (with the built-in estimate; with a real
/// tokenizer, at most the requested overlap) and nothing else; no chunk exceeds the token limit; a chunk's id
/// depends only on the document's source and the chunk's text.
/// </para>
/// <para>
/// The text is first split into units — a word piece or a punctuation mark with the whitespace after it — so a
/// cut never falls inside a unit, and never between the two halves of a surrogate pair. A cut is looked for only
/// in the second half of the token window, so chunks do not shrink towards nothing near dense structure.
/// </para>
/// </remarks>
public sealed class TextChunker
{
    private const byte SectionBoundary = 4;
    private const byte ParagraphBoundary = 3;
    private const byte SentenceBoundary = 2;
    private const byte WordBoundary = 1;

    private readonly ChunkingOptions _options;

    /// <summary>Creates a chunker.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TextChunker(ChunkingOptions? options = null)
    {
        _options = options ?? new ChunkingOptions();
        _options.Validate();
    }

    /// <summary>Cuts <paramref name="document"/> into chunks, in document order.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The chunks; empty when the text is empty or only whitespace.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<TextChunk> Chunk(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = document.Text;
        var units = SplitUnits(text, document.Sections);
        if (units.Count == 0)
        {
            return [];
        }

        var tokenizer = _options.Tokenizer;
        var counts = new int[units.Count];
        var prefix = new long[units.Count + 1];
        for (var i = 0; i < units.Count; i++)
        {
            var span = text.AsSpan(units.Starts[i], units.Starts[i + 1] - units.Starts[i]);
            counts[i] = tokenizer is null ? TokenEstimate.Count(span) : Math.Max(1, tokenizer.CountTokens(span.ToString()));
            prefix[i + 1] = prefix[i] + counts[i];
        }

        var max = _options.MaxTokens;
        var overlap = _options.OverlapTokens;
        var chunks = new List<TextChunk>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var start = 0;
        while (start < units.Count)
        {
            var end = start;
            while (end < units.Count && prefix[end + 1] - prefix[start] <= max)
            {
                end++;
            }

            end = Math.Max(end, start + 1);
            if (end < units.Count)
            {
                // At least half the window, and twice the overlap so text is never shared by three chunks.
                end = BestCut(units.RankAfter, prefix, start, end, Math.Max(max / 2, 2 * overlap));
            }

            var chunkText = text[units.Starts[start]..units.Starts[end]];
            var tokenCount = (int)(prefix[end] - prefix[start]);
            if (tokenizer is not null)
            {
                // Per-unit counts are an estimate of the whole for BPE tokenizers; the real count decides.
                tokenCount = tokenizer.CountTokens(chunkText);
                while (tokenCount > max && end > start + 1)
                {
                    end--;
                    chunkText = text[units.Starts[start]..units.Starts[end]];
                    tokenCount = tokenizer.CountTokens(chunkText);
                }
            }

            var chunkStart = units.Starts[start];
            var chunkEnd = units.Starts[end];
            var section = DominantSection(document, chunkStart, chunkEnd);
            chunks.Add(new TextChunk
            {
                Id = ChunkId(document.Source, chunkText, seenIds),
                Index = chunks.Count,
                Start = chunkStart,
                End = chunkEnd,
                Text = chunkText,
                TokenCount = tokenCount,
                Page = section?.Page,
                HeadingPath = section?.HeadingPath,
            });

            if (end == units.Count)
            {
                break;
            }

            var next = end;
            while (next > start + 1 && prefix[end] - prefix[next - 1] <= overlap)
            {
                next--;
            }

            start = next;
        }

        return chunks;
    }

    /// <summary>Computes a chunk id: the first 128 bits of SHA-256 over the source and the text, as hex.</summary>
    /// <param name="source">The document's source.</param>
    /// <param name="text">The chunk's text.</param>
    /// <param name="occurrence">How many identical chunks came before in the same document (0 for the first).</param>
    /// <returns>The id.</returns>
    public static string ComputeId(string source, string text, int occurrence = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        var input = occurrence == 0 ? $"{source}\0{text}" : $"{source}\0{text}\0{occurrence}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static string ChunkId(string source, string text, Dictionary<string, int> seenIds)
    {
        var id = ComputeId(source, text);
        ref var occurrences = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(seenIds, id, out _);
        var result = occurrences == 0 ? id : ComputeId(source, text, occurrences);
        occurrences++;
        return result;
    }

    /// <summary>Picks the cut in (start, end]: the strongest boundary, latest among equals, past half the window.</summary>
    private static int BestCut(byte[] rankAfter, long[] prefix, int start, int end, int minimumTokens)
    {
        var best = end;
        var bestRank = -1;
        for (var cut = end; cut > start; cut--)
        {
            if (prefix[cut] - prefix[start] < minimumTokens)
            {
                break;
            }

            var rank = rankAfter[cut - 1];
            if (rank > bestRank)
            {
                best = cut;
                bestRank = rank;
                if (rank == SectionBoundary)
                {
                    break;
                }
            }
        }

        return best;
    }

    private static DocumentSection? DominantSection(SourceDocument document, int start, int end)
    {
        DocumentSection? best = null;
        var bestLength = 0;
        foreach (var section in document.Sections)
        {
            if (section.End <= start)
            {
                continue;
            }

            if (section.Start >= end)
            {
                break;
            }

            var length = Math.Min(end, section.End) - Math.Max(start, section.Start);
            if (length > bestLength)
            {
                best = section;
                bestLength = length;
            }
        }

        return best;
    }

    private static Units SplitUnits(string text, IReadOnlyList<DocumentSection> sections)
    {
        var units = new Units();
        var position = 0;
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        if (position == text.Length)
        {
            return units;
        }

        var sectionStarts = new HashSet<int>(sections.Select(s => s.Start));
        var unitStart = 0;
        while (position < text.Length)
        {
            var tokenStart = position;
            if (char.IsLetterOrDigit(text[position]))
            {
                var limit = Math.Min(text.Length, position + TokenEstimate.MaxWordPieceLength);
                while (position < limit && char.IsLetterOrDigit(text[position]))
                {
                    position++;
                }
            }
            else
            {
                position += char.IsSurrogatePair(text, position) ? 2 : 1;
            }

            var tokenEnd = position;
            var newlines = 0;
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                if (text[position] == '\n')
                {
                    newlines++;
                }

                position++;
            }

            byte rank = position == tokenEnd ? (byte)0 : WordBoundary;
            if (newlines >= 2)
            {
                rank = ParagraphBoundary;
            }
            else if (newlines == 1 || (rank == WordBoundary && tokenEnd - tokenStart == 1 && text[tokenStart] is '.' or '!' or '?'))
            {
                rank = SentenceBoundary;
            }

            if (sectionStarts.Contains(position))
            {
                rank = SectionBoundary;
            }

            units.Add(unitStart, rank);
            unitStart = position;
        }

        units.Close(text.Length);
        return units;
    }

    /// <summary>The units of a text: their start offsets (plus the end of the text) and the boundary rank after each.</summary>
    private sealed class Units
    {
        private readonly List<int> _starts = [];
        private readonly List<byte> _ranks = [];

        public int Count => _ranks.Count;

        public int[] Starts { get; private set; } = [];

        public byte[] RankAfter { get; private set; } = [];

        public void Add(int start, byte rankAfter)
        {
            _starts.Add(start);
            _ranks.Add(rankAfter);
        }

        public void Close(int textLength)
        {
            _starts.Add(textLength);
            Starts = [.. _starts];
            RankAfter = [.. _ranks];
        }
    }
}
