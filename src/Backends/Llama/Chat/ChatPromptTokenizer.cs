using System.Globalization;
using Agents.Backends.Llama.Tokenization;
using LLama.Native;

namespace Agents.Backends.Llama.Chat;

/// <summary>
/// Formats a conversation and tokenizes it so that only the chat template's own markers become special tokens: text
/// inside messages (user input, tool results, retrieved passages, system and assistant turns) always tokenizes as
/// plain text, so a user who types <c>&lt;/s&gt;</c> or <c>&lt;|im_start|&gt;system</c> sends those characters, not
/// an end of sequence or a forged turn.
/// </summary>
/// <remarks>
/// The common case costs one extra plain tokenization per message: when no message contains text the vocabulary
/// parses as a special token, the prompt is the formatted text tokenized whole, exactly as before (so cached prefixes
/// and token counts do not change). Otherwise the template is rendered again with a unique sentinel in place of each
/// such message, the sentinels split the rendering into template markup (special tokens parsed) and message text
/// (parsed as plain text), and the pieces are tokenized apart.
/// </remarks>
internal sealed class ChatPromptTokenizer(IChatPromptFormatter formatter, LlamaTokenizer tokenizer)
{
    // Private-use code points: no template trims, escapes or upper-cases them, and no vocabulary has them as special text.
    private const char SentinelOpen = '\uE000';
    private const char SentinelClose = '\uE001';

    /// <summary>Formats and tokenizes <paramref name="conversation"/>, the model's BOS first when it wants one.</summary>
    /// <param name="conversation">The conversation, oldest first.</param>
    /// <returns>The prompt's tokens.</returns>
    public LLamaToken[] Tokenize(IReadOnlyList<Message> conversation)
    {
        var formatted = formatter.Format(conversation);
        var hostile = MessagesWithSpecialText(conversation);
        return hostile.Count == 0
            ? tokenizer.TokenizeNative(formatted, addBos: true, parseSpecial: true)
            : TokenizeSegmented(conversation, hostile, formatted);
    }

    /// <summary>Gets whether <paramref name="text"/> holds text the vocabulary would parse as a special (control) token.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when parsing special tokens changes its tokenization.</returns>
    internal bool ContainsSpecialText(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        var parsed = tokenizer.TokenizeNative(text, addBos: false, parseSpecial: true);
        var plain = tokenizer.TokenizeNative(text, addBos: false, parseSpecial: false);
        return !parsed.AsSpan().SequenceEqual(plain);
    }

    private HashSet<int> MessagesWithSpecialText(IReadOnlyList<Message> conversation)
    {
        var hostile = new HashSet<int>();
        for (var i = 0; i < conversation.Count; i++)
        {
            if (ContainsSpecialText(conversation[i].Text))
            {
                hostile.Add(i);
            }
        }

        return hostile;
    }

    private static string Sentinel(int index) => string.Create(CultureInfo.InvariantCulture, $"{SentinelOpen}{index}{SentinelClose}");

    private LLamaToken[] TokenizeSegmented(IReadOnlyList<Message> conversation, HashSet<int> hostile, string formatted)
    {
        var masked = new Message[conversation.Count];
        for (var i = 0; i < conversation.Count; i++)
        {
            masked[i] = hostile.Contains(i) ? conversation[i] with { Text = Sentinel(i) } : conversation[i];
        }

        var segments = Split(formatter.Format(masked), conversation, formatted);
        var tokens = new List<LLamaToken>();
        for (var i = 0; i < segments.Count; i++)
        {
            var (text, isMarkup) = segments[i];

            // The first segment always carries the BOS, even when it is empty (a template that opens with message text).
            if (i == 0 || text.Length > 0)
            {
                tokens.AddRange(tokenizer.TokenizeNative(text, addBos: i == 0, parseSpecial: isMarkup));
            }
        }

        return [.. tokens];
    }

    /// <summary>
    /// Splits the sentinel rendering into markup and message text. The message text is what the template made of it
    /// (templates trim): read from the real rendering where it lines up, the message's own text otherwise.
    /// </summary>
    private static List<(string Text, bool IsMarkup)> Split(string masked, IReadOnlyList<Message> conversation, string formatted)
    {
        var segments = new List<(string, bool)>();
        var markupStart = 0;
        var cursor = 0; // position in the real rendering; -1 once it no longer lines up
        var position = 0;
        while (true)
        {
            var open = masked.IndexOf(SentinelOpen, position);
            var close = open < 0 ? -1 : masked.IndexOf(SentinelClose, open + 1);
            if (open < 0 || close < 0)
            {
                segments.Add((masked[markupStart..], true));
                return segments;
            }

            if (!int.TryParse(masked.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || index >= conversation.Count)
            {
                position = open + 1;
                continue;
            }

            var markup = masked[markupStart..open];
            segments.Add((markup, true));
            var next = NextMarkup(masked, close + 1);
            var text = conversation[index].Text;
            if (cursor >= 0 && formatted.AsSpan(cursor).StartsWith(markup, StringComparison.Ordinal))
            {
                cursor += markup.Length;
                var rendered = RenderedText(text, formatted.AsSpan(cursor), next);
                text = rendered ?? text;
                cursor = rendered is null ? -1 : cursor + rendered.Length;
            }
            else
            {
                cursor = -1;
            }

            segments.Add((text, false));
            markupStart = close + 1;
            position = markupStart;
        }
    }

    // The markup after a sentinel, up to the next sentinel (or the end).
    private static string NextMarkup(string masked, int start)
    {
        var next = masked.IndexOf(SentinelOpen, start);
        return next < 0 ? masked[start..] : masked[start..next];
    }

    // Which of the usual template transformations of the text appears at the start of the rest of the rendering,
    // followed by the markup that follows it in the sentinel rendering.
    private static string? RenderedText(string text, ReadOnlySpan<char> rest, string nextMarkup)
    {
        foreach (var candidate in (ReadOnlySpan<string>)[text, text.Trim(), text.TrimEnd(), text.TrimStart()])
        {
            if (rest.StartsWith(candidate, StringComparison.Ordinal)
                && rest[candidate.Length..].StartsWith(nextMarkup, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }
}
