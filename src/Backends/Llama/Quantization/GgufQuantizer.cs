using System.Diagnostics;
using System.Globalization;
using Agents.Backends.Llama.Gguf;
using Agents.Backends.Llama.Loading;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Llama;

/// <summary>
/// Quantizes an F32/F16 GGUF model to <see cref="GgufQuantizationType.Q8_0"/> or
/// <see cref="GgufQuantizationType.Q4_K_M"/> with llama.cpp's own quantizer.
/// </summary>
/// <remarks>
/// <para>
/// The source is checked before native code sees it (exists, GGUF magic and version, a readable header, F32/F16/BF16
/// weights whose rows split into 32-value blocks), because llama.cpp's quantizer reports bad input only in its log,
/// or by aborting the process.
/// </para>
/// <para>
/// The output is written to a temporary file next to the destination and moved into place when complete, so a
/// failed or cancelled run never leaves a half-written model under the destination name. Quantization itself cannot
/// be interrupted: cancellation is honoured before it starts and, if requested during it, when it returns (the output
/// is then discarded and <see cref="OperationCanceledException"/> thrown). Thread-safe: independent calls may run at once.
/// </para>
/// </remarks>
public static partial class GgufQuantizer
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Quantizes <paramref name="sourcePath"/> into <paramref name="destinationPath"/>.</summary>
    /// <param name="sourcePath">An F32, F16 or BF16 GGUF model.</param>
    /// <param name="destinationPath">Where the quantized model is written; replaced if it exists; its folder is created.</param>
    /// <param name="type">The quantization.</param>
    /// <param name="progress">Receives stage changes and, while quantizing, the output size a few times a second.</param>
    /// <param name="threads">Threads used by the quantizer; <see langword="null"/>: all hardware threads.</param>
    /// <param name="loggerFactory">Receives llama.cpp's log of the run (category <c>LLama.Native</c>); none by default.</param>
    /// <param name="cancellationToken">Cancels the run (see remarks).</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">A path is empty, both paths name the same file, the type is unknown or <paramref name="threads"/> is not positive.</exception>
    /// <exception cref="ModelLoadException">The source is missing, a directory, not GGUF, truncated, already quantized, or has tensors that cannot be block-quantized.</exception>
    /// <exception cref="GeneratorException">llama.cpp's quantizer failed; the message carries what it logged.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<GgufQuantizationResult> QuantizeAsync(
        string sourcePath,
        string destinationPath,
        GgufQuantizationType type,
        IProgress<GgufQuantizationProgress>? progress = null,
        int? threads = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourcePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentException($"Unknown quantization type {type}.", nameof(type));
        }

        if (threads is <= 0)
        {
            throw new ArgumentException("The thread count must be positive.", nameof(threads));
        }

        var source = Path.GetFullPath(sourcePath);
        var destination = Path.GetFullPath(destinationPath);
        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw new ArgumentException("The destination must differ from the source: a model is never quantized in place.", nameof(destinationPath));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var stopwatch = Stopwatch.StartNew();
        var sourceBytes = File.Exists(source) ? new FileInfo(source).Length : 0;
        progress?.Report(new GgufQuantizationProgress(GgufQuantizationStage.Validating, 0, sourceBytes, 0));
        var header = ValidateSource(source);
        var tensorCount = header.Tensors.Count;

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = destination + ".partial";
        try
        {
            progress?.Report(new GgufQuantizationProgress(GgufQuantizationStage.Quantizing, 0, sourceBytes, tensorCount));
            NativeLogRouter.EnsureInstalled(loggerFactory);
            var native = Task.Run(() => RunNative(source, temporary, type, threads ?? Environment.ProcessorCount), CancellationToken.None);
            while (await Task.WhenAny(native, Task.Delay(s_progressInterval, CancellationToken.None)).ConfigureAwait(false) != native)
            {
                progress?.Report(new GgufQuantizationProgress(GgufQuantizationStage.Quantizing, SizeOf(temporary), sourceBytes, tensorCount));
            }

            var failure = await native.ConfigureAwait(false);
            if (failure is not null)
            {
                throw new GeneratorException($"llama.cpp could not quantize '{source}' to {type}: {failure}") { Provider = LlamaGenerator.ProviderName };
            }

            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new GgufQuantizationProgress(GgufQuantizationStage.Verifying, SizeOf(temporary), sourceBytes, tensorCount));
            VerifyOutput(temporary, type);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        var destinationBytes = new FileInfo(destination).Length;
        progress?.Report(new GgufQuantizationProgress(GgufQuantizationStage.Completed, destinationBytes, sourceBytes, tensorCount));
        return new GgufQuantizationResult(destination, type, sourceBytes, destinationBytes, stopwatch.Elapsed);
    }

    /// <summary>Reads and checks the source header; every refusal names the file and the reason.</summary>
    private static GgufFile ValidateSource(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ModelLoadException(path, "the path is a directory, not a model file.");
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "the file does not exist.");
        }

        GgufFile header;
        try
        {
            header = GgufReader.ReadHeader(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, ex.Message, ex);
        }

        var last = header.Tensors.MaxBy(t => t.Offset);
        if (last is not null && header.DataOffset + last.Offset + ByteLength(last) > new FileInfo(path).Length)
        {
            throw new ModelLoadException(path, "the file is truncated: its tensor data ends before the last tensor does.");
        }

        var fileType = header.Find("general.file_type")?.AsInt64();
        var quantized = header.Tensors.FirstOrDefault(t => t.Type is not (GgufTensorType.F32 or GgufTensorType.F16 or GgufTensorType.BF16));
        if (quantized is not null || fileType is not (null or 0 or 1 or 32))
        {
            throw new ModelLoadException(path, string.Create(
                CultureInfo.InvariantCulture,
                $"the model is already quantized ({GgufFileTypes.Describe(fileType?.ToString(CultureInfo.InvariantCulture))}); quantize from the F32 or F16 original instead."));
        }

        // Rows must split into 32-value blocks (the smallest block of every target; K-quant tensors whose rows do not
        // split into 256 fall back to a 32-block type inside llama.cpp). Norms and other vectors stay unquantized.
        var narrow = header.Tensors.FirstOrDefault(t => t.Dimensions.Count >= 2 && t.Dimensions[0] % 32 != 0);
        if (narrow is not null)
        {
            throw new ModelLoadException(path, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{narrow.Name}' has rows of {narrow.Dimensions[0]} values, which do not split into the 32-value blocks quantization needs."));
        }

        return header;
    }

    private static long ByteLength(GgufTensorInfo tensor) => tensor.Type switch
    {
        GgufTensorType.F32 => tensor.ElementCount * 4,
        GgufTensorType.F16 or GgufTensorType.BF16 => tensor.ElementCount * 2,
        _ => 0,
    };

    private static string? RunNative(string source, string temporary, GgufQuantizationType type, int threads)
    {
        var ftype = type switch
        {
            GgufQuantizationType.Q8_0 => LLamaFtype.MOSTLY_Q8_0,
            _ => LLamaFtype.MOSTLY_Q4_K_M,
        };
        // LLamaSharp 0.30.0's quantizer P/Invokes before anything has loaded the native library (DllNotFoundException
        // in a process that has not loaded a model yet); this call runs NativeApi's loader first.
        NativeApi.llama_empty_call();
        using var capture = NativeLogRouter.BeginCapture();
        try
        {
            // allowRequantize false: the input was checked to be unquantized. quantizeOutputTensor true: the output
            // projection is the largest matrix, and llama.cpp's own quantize tool quantizes it too.
            return LLama.LLamaQuantizer.Quantize(source, temporary, ftype, threads, allowRequantize: false, quantizeOutputTensor: true)
                ? null
                : capture.Describe("the quantizer reported failure without logging a reason.");
        }
        catch (Exception ex) when (ex is ArgumentException or RuntimeError or InvalidOperationException)
        {
            return capture.Describe(ex.Message);
        }
    }

    private static void VerifyOutput(string path, GgufQuantizationType type)
    {
        var expected = type == GgufQuantizationType.Q8_0 ? 7L : 15L;
        long? fileType;
        try
        {
            fileType = GgufReader.ReadHeader(path).Find("general.file_type")?.AsInt64();
        }
        catch (InvalidDataException ex)
        {
            throw new GeneratorException($"llama.cpp wrote an unreadable GGUF file: {ex.Message}", ex) { Provider = LlamaGenerator.ProviderName };
        }

        if (fileType != expected)
        {
            throw new GeneratorException(string.Create(
                CultureInfo.InvariantCulture, $"llama.cpp wrote file type {fileType} instead of {expected} ({type}).")) { Provider = LlamaGenerator.ProviderName };
        }
    }

    private static long SizeOf(string path)
    {
        try
        {
            return File.Exists(path) ? new FileInfo(path).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
