using System.Text;

namespace Agents.Backends.Llama.Generation;

/// <summary>
/// Finds stop sequences in streamed text, also when one straddles token boundaries: text that could still become
/// a stop sequence is held back until the next piece decides it, and the stop text itself is never released.
/// Also holds back a trailing high surrogate, so every released piece is whole UTF-16.
/// </summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stopSequences)
{
    private readonly StringBuilder _pending = new();

    /// <summary>Adds decoded text.</summary>
    /// <param name="text">The new text.</param>
    /// <param name="stopped">Set when a stop sequence was found; nothing after it is released.</param>
    /// <returns>The text that can be released now.</returns>
    public string Append(string text, out bool stopped)
    {
        _pending.Append(text);
        var buffered = _pending.ToString();
        var stopAt = -1;
        foreach (var stop in stopSequences)
        {
            var index = buffered.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (stopAt < 0 || index < stopAt))
            {
                stopAt = index;
            }
        }

        if (stopAt >= 0)
        {
            _pending.Clear();
            stopped = true;
            return buffered[..stopAt];
        }

        stopped = false;
        var hold = 0;
        foreach (var stop in stopSequences)
        {
            for (var k = Math.Min(stop.Length - 1, buffered.Length); k > hold; k--)
            {
                if (buffered.AsSpan(buffered.Length - k).SequenceEqual(stop.AsSpan(0, k)))
                {
                    hold = k;
                    break;
                }
            }
        }

        if (hold == 0 && buffered.Length > 0 && char.IsHighSurrogate(buffered[^1]))
        {
            hold = 1;
        }

        _pending.Clear();
        _pending.Append(buffered, buffered.Length - hold, hold);
        return buffered[..^hold];
    }

    /// <summary>Releases whatever is held back, at the end of generation.</summary>
    /// <returns>The held text.</returns>
    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }
}
