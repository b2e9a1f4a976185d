using System.Diagnostics;
using LLama;
using LLama.Native;

namespace Agents.Bench.Models;

/// <summary>
/// The hand-written LLamaSharp loop that is the native ceiling of batched decoding: <c>n</c> sequences' prompts
/// evaluated, then one token of each decoded per step in a single batch, with no scheduler, sampling or formatting.
/// </summary>
internal static class RawBatchLoop
{
    /// <summary>Decodes <paramref name="tokens"/> tokens of each of <paramref name="sequences"/> sequences.</summary>
    /// <param name="context">A context with at least that many sequence ids and room for them; emptied first.</param>
    /// <param name="batch">A reusable batch.</param>
    /// <param name="sequences">How many sequences decode together.</param>
    /// <param name="prompt">Each sequence's prompt length.</param>
    /// <param name="tokens">How many tokens each sequence decodes.</param>
    /// <param name="includePrompt">Whether the prompts' evaluation counts in the time (as it does for a request).</param>
    /// <returns>Aggregate decoded tokens per second.</returns>
    public static double Measure(LLamaContext context, LLamaBatch batch, int sequences, int prompt, int tokens, bool includePrompt)
    {
        context.NativeHandle.MemoryClear(data: true);
        var watch = Stopwatch.StartNew();
        for (var s = 0; s < sequences; s++)
        {
            batch.Clear();
            for (var p = 0; p < prompt; p++)
            {
                batch.Add((LLamaToken)(100 + (s * 37) + p), p, (LLamaSeqId)s, p == prompt - 1);
            }

            context.NativeHandle.Decode(batch);
        }

        if (!includePrompt)
        {
            watch.Restart();
        }

        for (var step = 0; step < tokens; step++)
        {
            batch.Clear();
            for (var s = 0; s < sequences; s++)
            {
                batch.Add((LLamaToken)(200 + step + s), prompt + step, (LLamaSeqId)s, true);
            }

            context.NativeHandle.Decode(batch);
        }

        return sequences * tokens / watch.Elapsed.TotalSeconds;
    }
}
