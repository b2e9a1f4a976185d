using System.Runtime.CompilerServices;
using Agents.Testing;

namespace Agents.Safety.Tests.StructuredOutput;

/// <summary>A <see cref="TestGenerator"/> that answers with a fixed script, one answer per call (the last repeats).</summary>
internal static class ScriptedGenerator
{
    public static TestGenerator Create(GeneratorCapabilities capabilities, params string[] answers)
    {
        var calls = 0;
        var generator = new TestGenerator { Metadata = new GeneratorMetadata("test", "m", 4096, capabilities) };
        generator.GenerateAsyncCallback = (_, _) =>
        {
            var answer = answers[Math.Min(Interlocked.Increment(ref calls) - 1, answers.Length - 1)];
            return Task.FromResult(new GenerationResult(answer) { FinishReason = FinishReason.Stop });
        };
        generator.StreamAsyncCallback = (_, ct) =>
        {
            var answer = answers[Math.Min(Interlocked.Increment(ref calls) - 1, answers.Length - 1)];
            return Chunks(answer, ct);
        };
        return generator;
    }

    private static async IAsyncEnumerable<GenerationUpdate> Chunks(string answer, [EnumeratorCancellation] CancellationToken ct)
    {
        for (var i = 0; i < answer.Length; i += 3)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return new GenerationUpdate { Text = answer.Substring(i, Math.Min(3, answer.Length - i)) };
        }

        yield return new GenerationUpdate { FinishReason = FinishReason.Stop };
    }
}
