namespace Agents.Backends.Http;

/// <summary>
/// Passes a server-sent event stream through while counting the bytes since the last event boundary (a blank line);
/// one event longer than the cap — an endless line, or endless <c>data:</c> lines with no blank line — stops the
/// stream with the error <paramref name="onExceeded"/> makes, before the SSE parser buffers it all.
/// </summary>
internal sealed class SseEventLimitStream(Stream inner, int cap, Func<Exception> onExceeded) : Stream
{
    private long _sinceBoundary;
    private bool _lineEmpty = true;
    private bool _afterCarriageReturn;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Count(buffer[..inner.Read(buffer)]);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Count(buffer.Span[..read.Result])) : AwaitAsync(read, buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> AwaitAsync(ValueTask<int> read, Memory<byte> buffer)
    {
        var count = await read.ConfigureAwait(false);
        return Count(buffer.Span[..count]);
    }

    private int Count(ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                Add(rest.Length);
                break;
            }

            Add(end);
            var isLineFeedAfterCarriageReturn = rest[end] == (byte)'\n' && _afterCarriageReturn && end == 0;
            if (!isLineFeedAfterCarriageReturn)
            {
                // A line ends here; an empty line ends the event.
                if (_lineEmpty)
                {
                    _sinceBoundary = 0;
                }

                _lineEmpty = true;
            }

            _afterCarriageReturn = rest[end] == (byte)'\r';
            rest = rest[(end + 1)..];
        }

        return data.Length;
    }

    private void Add(int bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        _afterCarriageReturn = false;
        _lineEmpty = false;
        _sinceBoundary += bytes;
        if (_sinceBoundary > cap)
        {
            throw onExceeded();
        }
    }
}
