using Agents.Backends.Llama;
using Agents.Backends.Llama.Gguf;

namespace Agents.Bench.Models;

/// <summary>
/// The realistic random-weight model the local-backend benchmarks run on: 8 layers, 512 wide, 1,536 feed-forward,
/// 8 heads, the test model's 32k Llama 2 vocabulary (about 60M parameters), written by the project's GGUF writer and
/// quantized to Q8_0 with llama.cpp's quantizer. Built once into the bench work folder and reused; never committed.
/// </summary>
internal static class BenchmarkModel
{
    private const string FileName = "random-llama-8x512-q8_0.gguf";
    private const string VocabularyModel = "llama-2-tiny-random.gguf";
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    /// <summary>Returns the Q8_0 model's path, building it first if the work folder has no valid copy.</summary>
    public static async Task<string> EnsureQ8Async(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var path = Path.Combine(context.WorkDirectory, FileName);
        await s_gate.WaitAsync(cancellationToken);
        try
        {
            if (IsValid(path))
            {
                return path;
            }

            var f16 = Path.Combine(context.WorkDirectory, "random-llama-8x512-f16.gguf");
            context.Log($"writing random-weight model {LlamaModelShape.Benchmark} (F16)");
            RandomLlamaModelWriter.Write(f16, LlamaModelShape.Benchmark, FindVocabularySource(), GgufTensorType.F16, seed: 42, cancellationToken);
            context.Log("quantizing to Q8_0 with llama.cpp's quantizer");
            var result = await GgufQuantizer.QuantizeAsync(f16, path, GgufQuantizationType.Q8_0, cancellationToken: cancellationToken);
            File.Delete(f16);
            context.Log($"model ready: {result.DestinationBytes / (1 << 20)} MiB in {result.Elapsed.TotalSeconds:F1} s");
            return path;
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static bool IsValid(string path)
    {
        try
        {
            return File.Exists(path) && GgufReader.ReadHeader(path).Find("general.file_type")?.AsInt64() == 7;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static string FindVocabularySource()
    {
        if (Environment.GetEnvironmentVariable("AGENTS_TEST_MODEL") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "..", "shared", "models", VocabularyModel);
                if (File.Exists(Path.Combine(directory.FullName, "Agents.sln")) && File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new FileNotFoundException(
            $"The vocabulary source {VocabularyModel} was not found: set AGENTS_TEST_MODEL or run from the repository (../shared/models/).");
    }
}
