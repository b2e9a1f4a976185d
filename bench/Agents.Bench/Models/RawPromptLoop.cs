using System.Diagnostics;
using LLama;
using LLama.Native;

namespace Agents.Bench.Models;

/// <summary>
/// The hand-written LLamaSharp loop that is the native limit of prompt evaluation: prompt tokens evaluated in batches
/// of the context's batch size, logits for the last one only, then the first token chosen by argmax.
/// </summary>
internal sealed class RawPromptLoop(LLamaContext context)
{
    private static readonly LLamaSeqId s_sequence = (LLamaSeqId)0;
    private readonly LLamaBatch _batch = new();

    /// <summary>Times a cold evaluation of <paramref name="prompt"/> in the emptied context, to the first token.</summary>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <returns>Milliseconds.</returns>
    public double Cold(LLamaToken[] prompt)
    {
        context.NativeHandle.MemoryClear(data: true);
        var watch = Stopwatch.StartNew();
        Evaluate(prompt, 0);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// Times evaluating only the tokens of <paramref name="prompt"/> after its first <paramref name="prefix"/>, whose
    /// KV is already in the context (evaluated once, untimed, when it is not), to the first token.
    /// </summary>
    /// <param name="prompt">The prompt's tokens.</param>
    /// <param name="prefix">How many leading tokens are kept in the KV cache.</param>
    /// <returns>Milliseconds.</returns>
    public double Suffix(LLamaToken[] prompt, int prefix)
    {
        if (context.NativeHandle.MemorySequenceMaxPosition(s_sequence).Value + 1 < prefix)
        {
            context.NativeHandle.MemoryClear(data: true);
            Evaluate(prompt.AsSpan(..prefix), 0);
        }

        context.NativeHandle.MemorySequenceRemove(s_sequence, prefix, -1);
        var watch = Stopwatch.StartNew();
        Evaluate(prompt.AsSpan(prefix..), prefix);
        return watch.Elapsed.TotalMilliseconds;
    }

    private int Evaluate(ReadOnlySpan<LLamaToken> tokens, int start)
    {
        var batchSize = (int)context.BatchSize;
        for (var offset = 0; offset < tokens.Length; offset += batchSize)
        {
            var count = Math.Min(batchSize, tokens.Length - offset);
            _batch.Clear();
            for (var i = 0; i < count; i++)
            {
                _batch.Add(tokens[offset + i], start + offset + i, s_sequence, offset + i == tokens.Length - 1);
            }

            if (context.NativeHandle.Decode(_batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("The raw prompt loop failed to decode.");
            }
        }

        var logits = context.NativeHandle.GetLogitsIth(_batch.TokenCount - 1);
        var best = 0;
        for (var v = 1; v < logits.Length; v++)
        {
            if (logits[v] > logits[best])
            {
                best = v;
            }
        }

        return best;
    }
}
