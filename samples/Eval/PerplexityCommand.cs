using System.Globalization;
using System.Text.Json;
using Agents.Backends.Llama;
using Agents.Evaluation;

namespace Agents.Samples.Eval;

/// <summary><c>perplexity</c>: the perplexity of a text file under a local GGUF model, with a sliding window.</summary>
public static class PerplexityCommand
{
    /// <summary>Computes and prints the perplexity.</summary>
    /// <param name="modelPath">The GGUF file.</param>
    /// <param name="textPath">The text file.</param>
    /// <param name="json">Print <c>{"perplexity","tokens","windows"}</c> instead of a sentence.</param>
    /// <param name="contextSize">The evaluation context (window limit), or the model's.</param>
    /// <param name="window">The window size, or the context.</param>
    /// <param name="stride">The stride, or half the window.</param>
    /// <param name="cancellationToken">Stops the computation.</param>
    /// <returns>0.</returns>
    public static async Task<int> ExecuteAsync(string modelPath, string textPath, bool json, int? contextSize, int? window, int? stride, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(textPath, cancellationToken);
        if (text.Length == 0)
        {
            throw new UsageException($"--text: '{textPath}' is empty.");
        }

        using var evaluator = new LlamaEvaluator(
            new LlamaModelOptions { Load = { ModelPath = Path.GetFullPath(modelPath), ContextSize = contextSize } },
            new LlamaEvaluatorOptions { ContextSize = contextSize });
        PerplexityMetric metric;
        try
        {
            metric = new PerplexityMetric(new LlamaTokenScorer(evaluator), new PerplexityOptions { WindowSize = window, Stride = stride });
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var report = await metric.ComputeAsync(text, cancellationToken);
        Console.WriteLine(json
            ? JsonSerializer.Serialize(new Dictionary<string, object> { ["perplexity"] = report.Perplexity, ["tokens"] = report.Tokens, ["windows"] = report.Windows })
            : string.Create(CultureInfo.InvariantCulture, $"perplexity {report.Perplexity:0.###} over {report.Tokens} tokens in {report.Windows} window(s)"));
        return 0;
    }
}
