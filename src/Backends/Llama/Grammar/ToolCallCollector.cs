using System.Text;

namespace Agents.Backends.Llama.Grammar;

/// <summary>
/// Holds back a job's text while it may be a tool-call object: once the first non-blank character is not '{' the text
/// is an answer and streams as usual; otherwise it is held to the end and turned into <see cref="ToolCall"/>s.
/// </summary>
internal sealed class ToolCallCollector
{
    private readonly StringBuilder _held = new();
    private bool? _mayBeCall;

    /// <summary>Takes newly decoded text; returns what can be streamed now.</summary>
    public string Pass(string text)
    {
        if (_mayBeCall == false)
        {
            return text;
        }

        _held.Append(text);
        if (_mayBeCall is null)
        {
            foreach (var chunk in _held.GetChunks())
            {
                foreach (var c in chunk.Span)
                {
                    if (!char.IsWhiteSpace(c))
                    {
                        _mayBeCall = c == '{';
                        goto decided;
                    }
                }
            }
        }

    decided:
        if (_mayBeCall == false)
        {
            var released = _held.ToString();
            _held.Clear();
            return released;
        }

        return string.Empty;
    }

    /// <summary>Ends the job: the held text becomes tool calls (finish reason <see cref="FinishReason.ToolCalls"/>) or plain text.</summary>
    public GenerationUpdate Complete(ref FinishReason reason)
    {
        var held = _held.ToString();
        _held.Clear();
        if (reason == FinishReason.Stop && LocalToolCallFormat.TryParse(held, out var calls))
        {
            reason = FinishReason.ToolCalls;
            return new GenerationUpdate { ToolCalls = calls };
        }

        return new GenerationUpdate { Text = held };
    }
}
