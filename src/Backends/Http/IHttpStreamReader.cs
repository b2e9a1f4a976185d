namespace Agents.Backends.Http;

/// <summary>
/// Follows one provider stream for <see cref="HttpGenerator"/>: reads each server-sent event (from the parser's own
/// buffer) into the update it carries and keeps what the final update reports.
/// </summary>
internal interface IHttpStreamReader
{
    /// <summary>Gets the provider's end-of-stream marker, named in the error for a stream cut off before it.</summary>
    string EndMarker { get; }

    /// <summary>Gets a value indicating whether the end marker arrived; a stream that ends without it is cut off.</summary>
    bool Completed { get; }

    FinishReason? FinishReason { get; }

    Usage? Usage { get; }

    string? ModelId { get; }

    string? ResponseId { get; }

    /// <summary>Reads one event; returns the update it carries, if any. Runs inside the SSE parser.</summary>
    GenerationUpdate? Read(string eventType, ReadOnlySpan<byte> data);

    /// <summary>Returns the tool calls reassembled from the stream, in index order.</summary>
    IReadOnlyList<ToolCall> DrainToolCalls();
}
