using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Agents.Bench.Scenarios;

/// <summary>
/// What the middleware pipeline itself costs: a request through five pass-through middlewares (built with
/// <see cref="GeneratorBuilder"/>, so the entry validation is included) over an in-memory generator, against
/// the same in-memory generator called bare.
/// </summary>
internal sealed class PipelineOverheadScenario : IBenchmarkScenario
{
    private const int MiddlewareCount = 5;

    public string Name => "pipeline-overhead";

    public string Description => "5 pass-through middlewares vs the bare in-memory generator (ns and bytes per request)";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var iterations = int.Parse(context.Option("--iterations", "500000")!, System.Globalization.CultureInfo.InvariantCulture);
        const int rounds = 7;

        using var bare = new InMemoryGenerator();
        var builder = new GeneratorBuilder(bare);
        for (var i = 0; i < MiddlewareCount; i++)
        {
            builder.Use(inner => new PassThroughGenerator(inner));
        }

        using var pipeline = builder.Build();
        var request = GenerationRequest.FromPrompt("What is a context window?", new GenerationOptions { MaxTokens = 16, Temperature = 0 });

        // Warm up both paths long enough for tiered compilation (and dynamic PGO) to settle before measuring.
        for (var warmup = 0; warmup < 5; warmup++)
        {
            await MeasureAsync(bare, request, iterations, cancellationToken);
            await MeasureAsync(pipeline, request, iterations, cancellationToken);
            await MeasureStreamAsync(bare, request, iterations / 4, cancellationToken);
            await MeasureStreamAsync(pipeline, request, iterations / 4, cancellationToken);
            await Task.Delay(50, cancellationToken);
        }

        var bareRuns = new List<(double Ns, double Bytes)>();
        var pipelineRuns = new List<(double Ns, double Bytes)>();
        var bareStreamRuns = new List<(double Ns, double Bytes)>();
        var pipelineStreamRuns = new List<(double Ns, double Bytes)>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the order so drift on a shared machine hits both sides alike.
            bareRuns.Add(await MeasureAsync(bare, request, iterations, cancellationToken));
            pipelineRuns.Add(await MeasureAsync(pipeline, request, iterations, cancellationToken));
            pipelineStreamRuns.Add(await MeasureStreamAsync(pipeline, request, iterations / 4, cancellationToken));
            bareStreamRuns.Add(await MeasureStreamAsync(bare, request, iterations / 4, cancellationToken));
            context.Log($"round {round + 1}/{rounds}: bare {bareRuns[^1].Ns:F1} ns, pipeline {pipelineRuns[^1].Ns:F1} ns");
        }

        var bareNs = Median(bareRuns.Select(r => r.Ns));
        var pipelineNs = Median(pipelineRuns.Select(r => r.Ns));
        var bareBytes = Median(bareRuns.Select(r => r.Bytes));
        var pipelineBytes = Median(pipelineRuns.Select(r => r.Bytes));
        var bareStreamNs = Median(bareStreamRuns.Select(r => r.Ns));
        var pipelineStreamNs = Median(pipelineStreamRuns.Select(r => r.Ns));
        var bareStreamBytes = Median(bareStreamRuns.Select(r => r.Bytes));
        var pipelineStreamBytes = Median(pipelineStreamRuns.Select(r => r.Bytes));

        return new Dictionary<string, object?>
        {
            ["middleware_count"] = MiddlewareCount,
            ["iterations_per_round"] = iterations,
            ["rounds"] = rounds,
            ["bare_ns"] = Math.Round(bareNs, 1),
            ["pipeline_ns"] = Math.Round(pipelineNs, 1),
            ["overhead_ns_per_middleware"] = Math.Round((pipelineNs - bareNs) / MiddlewareCount, 1),
            ["allocated_bytes_per_request"] = Math.Round(pipelineBytes, 1),
            ["bare_allocated_bytes_per_request"] = Math.Round(bareBytes, 1),
            ["allocated_bytes_per_middleware"] = Math.Round((pipelineBytes - bareBytes) / MiddlewareCount, 1),
            ["stream_bare_ns"] = Math.Round(bareStreamNs, 1),
            ["stream_pipeline_ns"] = Math.Round(pipelineStreamNs, 1),
            ["stream_overhead_ns_per_middleware"] = Math.Round((pipelineStreamNs - bareStreamNs) / MiddlewareCount, 1),
            ["stream_allocated_bytes_per_middleware"] = Math.Round((pipelineStreamBytes - bareStreamBytes) / MiddlewareCount, 1),
            ["target_ns_per_middleware"] = 1000,
            ["target_bytes_per_middleware"] = 500,
        };
    }

    private static async Task<(double Ns, double Bytes)> MeasureAsync(IGenerator generator, GenerationRequest request, int iterations, CancellationToken cancellationToken)
    {
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            await generator.GenerateAsync(request, cancellationToken);
        }

        stopwatch.Stop();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        return (stopwatch.Elapsed.TotalNanoseconds / iterations, (double)bytes / iterations);
    }

    private static async Task<(double Ns, double Bytes)> MeasureStreamAsync(IGenerator generator, GenerationRequest request, int iterations, CancellationToken cancellationToken)
    {
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            await foreach (var _ in generator.StreamAsync(request, cancellationToken))
            {
            }
        }

        stopwatch.Stop();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        return (stopwatch.Elapsed.TotalNanoseconds / iterations, (double)bytes / iterations);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The middleware under test: overrides nothing, as the cheapest real middleware would.</summary>
    private sealed class PassThroughGenerator(IGenerator inner) : DelegatingGenerator(inner);

    /// <summary>A backend with no I/O: answers from memory with a completed task, streams three updates.</summary>
    private sealed class InMemoryGenerator : IGenerator
    {
        private readonly Task<GenerationResult> _result = Task.FromResult(new GenerationResult("A context window is the model's token budget.")
        {
            FinishReason = FinishReason.Stop,
            Usage = new Usage { PromptTokens = 6, CompletionTokens = 9 },
        });

        private readonly GenerationUpdate[] _updates =
        [
            new() { Text = "A context window " },
            new() { Text = "is the model's token budget." },
            new() { FinishReason = FinishReason.Stop, Usage = new Usage { PromptTokens = 6, CompletionTokens = 9 } },
        ];

        public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) => _result;

        public async IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in _updates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
