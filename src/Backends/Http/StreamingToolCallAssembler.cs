using System.Text;

namespace Agents.Backends.Http;

/// <summary>
/// Reassembles tool calls whose arguments arrive as JSON fragments over many stream events, keyed by the
/// provider's index (OpenAI's <c>tool_calls[].index</c>, Anthropic's content block index).
/// </summary>
internal sealed class StreamingToolCallAssembler
{
    private readonly SortedDictionary<int, Entry> _calls = [];

    public bool HasCalls => _calls.Count > 0;

    public void Append(int index, string? id, string? name, string? argumentsFragment)
    {
        if (!_calls.TryGetValue(index, out var entry))
        {
            entry = new Entry();
            _calls.Add(index, entry);
        }

        if (!string.IsNullOrEmpty(id))
        {
            entry.Id = id;
        }

        if (!string.IsNullOrEmpty(name))
        {
            entry.Name = name;
        }

        entry.Arguments.Append(argumentsFragment);
    }

    /// <summary>Returns the completed calls in index order and forgets them.</summary>
    public IReadOnlyList<ToolCall> Drain()
    {
        if (_calls.Count == 0)
        {
            return [];
        }

        var calls = _calls.Values
            .Select((c, i) => new ToolCall(
                c.Id ?? $"call_{i}",
                c.Name ?? string.Empty,
                c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString()))
            .ToArray();
        _calls.Clear();
        return calls;
    }

    private sealed class Entry
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
