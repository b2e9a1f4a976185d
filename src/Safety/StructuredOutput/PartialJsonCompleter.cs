using System.Text;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// Turns the beginning of a JSON text into the most complete valid JSON it implies, for showing a half-generated
/// object: open strings are closed, open objects and arrays are closed, and whatever cannot be completed honestly (a key
/// without its value, a half-written number or literal, a trailing comma) is left out.
/// </summary>
public static class PartialJsonCompleter
{
    private enum Expect
    {
        Value,
        KeyOrEnd,
        Key,
        Colon,
        CommaOrEnd,
    }

    /// <summary>Completes <paramref name="partial"/>; text before the first '{' or '[' (a code fence, a sentence) is skipped.</summary>
    /// <param name="partial">The JSON text generated so far.</param>
    /// <returns>Valid JSON, or <see langword="null"/> when nothing usable has been generated yet.</returns>
    public static string? Complete(string partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        var start = partial.IndexOfAny(['{', '[']);
        if (start < 0)
        {
            return null;
        }

        var text = partial[start..];
        var stack = new List<bool>(); // true: object, false: array
        var expect = Expect.Value;
        var safeLength = -1;
        string safeClosers = string.Empty;
        var i = 0;
        var done = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                i++;
                continue;
            }

            if (done)
            {
                break;
            }

            if (expect == Expect.Value)
            {
                if (c is '{' or '[')
                {
                    stack.Add(c == '{');
                    expect = c == '{' ? Expect.KeyOrEnd : Expect.Value;
                    i++;
                    MarkSafe(i);
                    continue;
                }

                // "[" then "]": the empty array (a "]" after a comma is malformed and ends the scan).
                if (c == ']' && stack.Count > 0 && !stack[^1] && IsJustOpened(text, i))
                {
                    Close(ref i);
                    continue;
                }

                if (c == '"')
                {
                    if (!ScanString(text, ref i, out var closed))
                    {
                        return closed is null ? Finish() : FinishWith(closed);
                    }

                    AfterValue(i);
                    continue;
                }

                if (!ScanScalar(text, ref i, out var complete))
                {
                    return complete ? FinishWith(text[..i]) : Finish();
                }

                AfterValue(i);
                continue;
            }

            if (expect is Expect.KeyOrEnd or Expect.Key)
            {
                if (c == '}' && expect == Expect.KeyOrEnd)
                {
                    Close(ref i);
                    continue;
                }

                if (c != '"' || !ScanString(text, ref i, out _))
                {
                    return Finish();
                }

                expect = Expect.Colon;
                continue;
            }

            if (expect == Expect.Colon)
            {
                if (c != ':')
                {
                    return Finish();
                }

                i++;
                expect = Expect.Value;
                continue;
            }

            // Expect.CommaOrEnd
            if (c == ',')
            {
                i++;
                expect = stack[^1] ? Expect.Key : Expect.Value;
                continue;
            }

            if ((c == '}' && stack[^1]) || (c == ']' && !stack[^1]))
            {
                Close(ref i);
                continue;
            }

            return Finish();
        }

        return Finish();

        void MarkSafe(int length)
        {
            safeLength = length;
            var closers = new StringBuilder(stack.Count);
            for (var s = stack.Count - 1; s >= 0; s--)
            {
                closers.Append(stack[s] ? '}' : ']');
            }

            safeClosers = closers.ToString();
        }

        void Close(ref int index)
        {
            stack.RemoveAt(stack.Count - 1);
            index++;
            AfterValue(index);
        }

        void AfterValue(int index)
        {
            MarkSafe(index);
            expect = Expect.CommaOrEnd;
            // The root value is complete: anything after it is ignored.
            done = stack.Count == 0;
        }

        string? Finish() => safeLength < 0 ? null : string.Concat(text[..safeLength], safeClosers);

        // A value string cut short (closed here) or a complete-looking number at the very end.
        string FinishWith(string prefix)
        {
            var closers = new StringBuilder(stack.Count);
            for (var s = stack.Count - 1; s >= 0; s--)
            {
                closers.Append(stack[s] ? '}' : ']');
            }

            return prefix + closers;
        }
    }

    private static bool IsJustOpened(ReadOnlySpan<char> text, int index)
    {
        for (var j = index - 1; j >= 0; j--)
        {
            if (text[j] is ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }

            return text[j] == '[';
        }

        return false;
    }

    /// <summary>Scans a string starting at its opening quote.</summary>
    /// <returns>Whether it was closed; when not, <paramref name="closedPrefix"/> is the text up to it with a closing quote added (or null when it cannot be closed cleanly).</returns>
    private static bool ScanString(ReadOnlySpan<char> text, ref int i, out string? closedPrefix)
    {
        var start = i;
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                if (text[i + 1] == 'u')
                {
                    if (i + 6 > text.Length)
                    {
                        break;
                    }

                    i += 6;
                    continue;
                }

                i += 2;
                continue;
            }

            if (c == '"')
            {
                i++;
                closedPrefix = null;
                return true;
            }

            if (c < 0x20)
            {
                closedPrefix = null;
                return false;
            }

            i++;
        }

        // Cut short: drop a dangling escape (and a lone high surrogate), close the string.
        var end = i;
        if (end > start + 1 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        closedPrefix = string.Concat(text[..end], "\"");
        return false;
    }

    /// <summary>Scans a number or literal; false when the text ends inside it (<paramref name="complete"/>: what was read is a valid number).</summary>
    private static bool ScanScalar(ReadOnlySpan<char> text, ref int i, out bool complete)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '+' or '.'))
        {
            i++;
        }

        var token = text[start..i];
        var valid = token is "true" or "false" or "null" || IsNumber(token);
        if (i >= text.Length)
        {
            // The number may still grow, but what is there is a number: show it (literals once whole).
            complete = token is "true" or "false" or "null" || (IsNumber(token) && token[^1] is >= '0' and <= '9');
            return false;
        }

        complete = valid;
        return valid;
    }

    private static bool IsNumber(ReadOnlySpan<char> token)
    {
        var j = 0;
        if (j < token.Length && token[j] == '-')
        {
            j++;
        }

        if (j >= token.Length || !char.IsAsciiDigit(token[j]))
        {
            return false;
        }

        if (token[j] == '0')
        {
            j++;
        }
        else
        {
            while (j < token.Length && char.IsAsciiDigit(token[j]))
            {
                j++;
            }
        }

        if (j < token.Length && token[j] == '.')
        {
            j++;
            var digits = j;
            while (j < token.Length && char.IsAsciiDigit(token[j]))
            {
                j++;
            }

            if (j == digits)
            {
                return false;
            }
        }

        if (j < token.Length && token[j] is 'e' or 'E')
        {
            j++;
            if (j < token.Length && token[j] is '+' or '-')
            {
                j++;
            }

            var digits = j;
            while (j < token.Length && char.IsAsciiDigit(token[j]))
            {
                j++;
            }

            if (j == digits)
            {
                return false;
            }
        }

        return j == token.Length;
    }
}
