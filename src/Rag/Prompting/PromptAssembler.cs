using System.Globalization;
using System.Text;

namespace Agents.Rag;

/// <summary>
/// Fits retrieved passages into a token budget and numbers them <c>[1]</c>…<c>[n]</c>.
/// </summary>
/// <remarks>
/// Passages are admitted best first while they fit (a passage too large for what is left is skipped, and smaller
/// ones after it may still fit), then laid out in a stable order — by source, then position in the source — so the
/// same passages always give byte-identical text, whatever their scores. That keeps the prompt prefix stable for
/// the local KV-prefix cache and for providers' prompt caching.
/// </remarks>
public sealed class PromptAssembler
{
    private const string Separator = "\n\n";
    private readonly Func<string, int> _countTokens;

    /// <summary>Creates an assembler.</summary>
    /// <param name="tokenizer">The model's tokenizer; <see langword="null"/> to estimate with <see cref="TokenEstimate"/>.</param>
    public PromptAssembler(ITokenizer? tokenizer = null)
    {
        _countTokens = TokenCounting.For(tokenizer);
    }

    /// <summary>Assembles <paramref name="passages"/> within <paramref name="tokenBudget"/> tokens.</summary>
    /// <param name="passages">The passages, best first; duplicates (same chunk id) are used once.</param>
    /// <param name="tokenBudget">The most tokens the assembled text may take.</param>
    /// <returns>The text and its citations.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokenBudget"/> is negative.</exception>
    public AssembledContext Assemble(IReadOnlyList<RetrievedPassage> passages, int tokenBudget)
    {
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);
        var separatorCost = _countTokens(Separator);
        var chosen = new List<RetrievedPassage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var used = 0;
        var omitted = 0;
        foreach (var passage in passages)
        {
            if (!seen.Add(passage.ChunkId))
            {
                continue;
            }

            // The number is not known yet; budget for the widest one the list can need.
            var cost = _countTokens(Block(passages.Count, passage)) + (chosen.Count > 0 ? separatorCost : 0);
            if (used + cost <= tokenBudget)
            {
                chosen.Add(passage);
                used += cost;
            }
            else
            {
                omitted++;
            }
        }

        while (true)
        {
            var ordered = chosen
                .OrderBy(p => p.Source, StringComparer.Ordinal)
                .ThenBy(p => p.Start)
                .ThenBy(p => p.ChunkId, StringComparer.Ordinal)
                .ToList();
            var text = string.Join(Separator, ordered.Select((p, i) => Block(i + 1, p)));
            var tokens = text.Length == 0 ? 0 : _countTokens(text);

            // Token counts of a BPE tokenizer are not strictly additive: drop the weakest passage until it fits.
            if (tokens > tokenBudget && chosen.Count > 0)
            {
                chosen.RemoveAt(chosen.Count - 1);
                omitted++;
                continue;
            }

            var citations = ordered.Select((p, i) => new Citation
            {
                Number = i + 1,
                Source = p.Source,
                Start = p.Start,
                End = p.End,
                Page = p.Page,
                HeadingPath = p.HeadingPath,
                ChunkId = p.ChunkId,
                Text = p.Text,
            }).ToList();
            return new AssembledContext(text, citations, tokens, omitted);
        }
    }

    private static string Block(int number, RetrievedPassage passage)
    {
        var header = new StringBuilder();
        header.Append(CultureInfo.InvariantCulture, $"[{number}] {passage.Source}");
        if (passage.Page is { } page)
        {
            header.Append(CultureInfo.InvariantCulture, $", page {page}");
        }

        if (!string.IsNullOrEmpty(passage.HeadingPath))
        {
            header.Append(CultureInfo.InvariantCulture, $", {passage.HeadingPath}");
        }

        header.Append(CultureInfo.InvariantCulture, $" (characters {passage.Start}-{passage.End})\n");
        header.Append(passage.Text.Trim());
        return header.ToString();
    }
}
