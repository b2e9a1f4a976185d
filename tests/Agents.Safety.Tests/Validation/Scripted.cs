using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Safety.Tests.Validation;

/// <summary>Builds <see cref="TestGenerator"/>s that answer from a script, one answer per call, and stream in given chunks.</summary>
internal static class Scripted
{
    public static TestGenerator Answers(params string[] answers)
    {
        var next = 0;
        return new TestGenerator
        {
            GenerateAsyncCallback = (_, _) =>
            {
                var i = Interlocked.Increment(ref next) - 1;
                return Task.FromResult(new GenerationResult(answers[Math.Min(i, answers.Length - 1)])
                {
                    FinishReason = FinishReason.Stop,
                    Usage = new Usage { PromptTokens = 10, CompletionTokens = 5 },
                });
            },
            StreamAsyncCallback = (_, ct) =>
            {
                var i = Interlocked.Increment(ref next) - 1;
                return Chunks(Words(answers[Math.Min(i, answers.Length - 1)]), ct);
            },
        };
    }

    public static TestGenerator Streams(IReadOnlyList<string> chunks, Action<int>? onChunk = null) => new()
    {
        StreamAsyncCallback = (_, ct) => Chunks(chunks, ct, onChunk),
    };

    public static IReadOnlyList<string> Words(string text) =>
        [.. text.Split(' ').Select((w, i) => i == 0 ? w : " " + w)];

    public static IReadOnlyList<string> CharacterChunks(string text, int size) =>
        [.. Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - (i * size))))];

    public static async IAsyncEnumerable<GenerationUpdate> Chunks(
        IReadOnlyList<string> chunks, [EnumeratorCancellation] CancellationToken cancellationToken, Action<int>? onChunk = null)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            onChunk?.Invoke(i);
            yield return new GenerationUpdate { Text = chunks[i], ModelId = "scripted" };
        }

        yield return new GenerationUpdate { FinishReason = FinishReason.Stop, Usage = new Usage { PromptTokens = 3, CompletionTokens = chunks.Count } };
    }
}

/// <summary>A meter factory whose meters carry it as their scope, so a test's MetricCollector sees only its own meters.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
