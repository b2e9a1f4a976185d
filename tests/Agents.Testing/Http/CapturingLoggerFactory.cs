using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Testing;

/// <summary>A logger factory that keeps every formatted message (all levels, with exceptions) for inspection.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public string AllText => string.Join("\n", Messages);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " | " + string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"));
            }

            owner.Messages.Enqueue(exception is null ? text : text + "\n" + exception);
        }
    }
}
