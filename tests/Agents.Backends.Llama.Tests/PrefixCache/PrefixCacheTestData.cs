using Agents.Backends.Llama.PrefixCache;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>Hand-built token sequences and payloads for the cache tests.</summary>
internal static class PrefixCacheTestData
{
    /// <summary>Returns <paramref name="count"/> consecutive token ids from <paramref name="first"/>.</summary>
    public static int[] Run(int first, int count) => [.. Enumerable.Range(first, count)];

    public static int[] Concat(params int[][] parts) => [.. parts.SelectMany(p => p)];

    public static PrefixCacheOptions Options(long maxBytes = 1 << 20, int minimum = 4, string? disk = null, long maxDisk = 1 << 20) => new()
    {
        MaxBytes = maxBytes,
        MinimumPrefixTokens = minimum,
        DiskDirectory = disk,
        MaxDiskBytes = maxDisk,
    };

    /// <summary>A made-up identity: the model part filled with <paramref name="seed"/>, optionally other adapters or settings.</summary>
    public static PrefixCacheIdentity Identity(byte seed, byte adapters = 0, byte settings = 0) => PrefixCacheIdentity.FromParts(
        [.. Enumerable.Repeat(seed, 32)], [.. Enumerable.Repeat(adapters, 32)], [.. Enumerable.Repeat(settings, 32)]);
}

/// <summary>A payload of a given size whose bytes encode a label, so a test can tell which state came back.</summary>
internal sealed class FakeStatePayload(string label, int size = 100) : IPrefixStatePayload, IDisposable
{
    private readonly byte[] _bytes = Encode(label, size);

    public string Label { get; } = label;

    public bool IsDisposed { get; private set; }

    public long SizeInBytes => _bytes.LongLength;

    public ReadOnlySpan<byte> Bytes => _bytes;

    public static string LabelOf(IPrefixStatePayload payload) =>
        System.Text.Encoding.UTF8.GetString(payload.Bytes).TrimEnd('\0');

    public void Dispose() => IsDisposed = true;

    private static byte[] Encode(string label, int size)
    {
        var bytes = new byte[size];
        System.Text.Encoding.UTF8.GetBytes(label, bytes);
        return bytes;
    }
}

/// <summary>Keeps every log entry, for asserting warnings.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<string> Warnings => [.. Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
