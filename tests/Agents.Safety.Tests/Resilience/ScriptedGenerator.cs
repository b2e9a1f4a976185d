using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Safety.Tests.Resilience;

/// <summary>
/// A <see cref="TestGenerator"/> whose calls follow a script: each entry is the exception one attempt throws, or
/// <see langword="null"/> for success. Records the fake time of every attempt.
/// </summary>
internal sealed class ScriptedGenerator
{
    private readonly TimeProvider _time;
    private readonly Queue<Exception?> _script;
    private readonly List<DateTimeOffset> _attempts = [];

    public ScriptedGenerator(TimeProvider time, string provider, params Exception?[] script)
    {
        _time = time;
        _script = new Queue<Exception?>(script);
        Generator = new TestGenerator
        {
            Metadata = new GeneratorMetadata(provider, provider + "-model", 4096, GeneratorCapabilities.Streaming),
            GenerateAsyncCallback = (request, _) =>
            {
                var failure = Next();
                return failure is null
                    ? Task.FromResult(new GenerationResult($"{provider}:{request.Options?.ModelId}") { FinishReason = FinishReason.Stop })
                    : Task.FromException<GenerationResult>(failure);
            },
        };
    }

    public TestGenerator Generator { get; }

    public IReadOnlyList<DateTimeOffset> Attempts
    {
        get
        {
            lock (_attempts)
            {
                return [.. _attempts];
            }
        }
    }

    public int AttemptCount => Attempts.Count;

    public Exception? Next()
    {
        lock (_attempts)
        {
            _attempts.Add(_time.GetUtcNow());
            return _script.Count > 0 ? _script.Dequeue() : null;
        }
    }

    /// <summary>Streams <paramref name="texts"/> (an empty text is a metadata-only update), then throws <paramref name="failure"/> if set.</summary>
    public static async IAsyncEnumerable<GenerationUpdate> Stream(
        IEnumerable<string> texts, Exception? failure, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var text in texts)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new GenerationUpdate { Text = text };
        }

        if (failure is not null)
        {
            throw failure;
        }

        yield return new GenerationUpdate { FinishReason = FinishReason.Stop };
    }
}
