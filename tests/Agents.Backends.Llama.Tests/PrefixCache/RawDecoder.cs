using Agents.Testing;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Tests.PrefixCache;

/// <summary>A hand-written LLamaSharp decode loop over the test model, to compare cached and cold prompt evaluation.</summary>
internal sealed class RawDecoder : IDisposable
{
    private readonly LlamaModel _model;
    private readonly LLamaBatch _batch = new();

    public RawDecoder(int sequences = 4, bool flashAttention = false)
    {
        _model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2, FlashAttention = flashAttention } });
        Context = _model.CreateContext(_model.CreateContextParameters(2048, sequences));
    }

    public LLamaContext Context { get; }

    public LlamaModelInfo Info => _model.Info;

    public SafeLLamaContextHandle Handle => Context.NativeHandle;

    /// <summary>Deterministic pseudo-random token ids of the model's vocabulary.</summary>
    public static LLamaToken[] Tokens(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (LLamaToken)random.Next(100, 31_000))];
    }

    /// <summary>Evaluates <paramref name="tokens"/> at positions from <paramref name="start"/>; returns the last one's logits.</summary>
    public float[] Evaluate(LLamaSeqId sequence, ReadOnlySpan<LLamaToken> tokens, int start)
    {
        var batchSize = (int)Context.BatchSize;
        for (var offset = 0; offset < tokens.Length; offset += batchSize)
        {
            _batch.Clear();
            var end = Math.Min(tokens.Length, offset + batchSize);
            for (var i = offset; i < end; i++)
            {
                _batch.Add(tokens[i], start + i, sequence, i == tokens.Length - 1);
            }

            Assert.Equal(DecodeResult.Ok, Handle.Decode(_batch));
        }

        return Handle.GetLogitsIth(_batch.TokenCount - 1).ToArray();
    }

    /// <summary>Greedy-decodes <paramref name="count"/> tokens after a prompt whose last logits are <paramref name="logits"/>.</summary>
    public int[] Greedy(LLamaSeqId sequence, float[] logits, int position, int count)
    {
        var output = new int[count];
        for (var i = 0; i < count; i++)
        {
            var best = 0;
            for (var v = 1; v < logits.Length; v++)
            {
                if (logits[v] > logits[best])
                {
                    best = v;
                }
            }

            output[i] = best;
            _batch.Clear();
            _batch.Add((LLamaToken)best, position + i, sequence, true);
            Assert.Equal(DecodeResult.Ok, Handle.Decode(_batch));
            logits = Handle.GetLogitsIth(0).ToArray();
        }

        return output;
    }

    /// <summary>Cold path: evaluates the whole prompt in a fresh sequence and decodes greedily.</summary>
    public (float[] Logits, int[] Output) Cold(LLamaSeqId sequence, LLamaToken[] prompt, int generate)
    {
        Handle.MemorySequenceRemove(sequence, -1, -1);
        var logits = Evaluate(sequence, prompt, 0);
        var output = Greedy(sequence, logits, prompt.Length, generate);
        Handle.MemorySequenceRemove(sequence, -1, -1);
        return (logits, output);
    }

    public void Dispose()
    {
        Context.Dispose();
        _model.Dispose();
    }
}
