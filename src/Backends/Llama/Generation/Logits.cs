namespace Agents.Backends.Llama.Generation;

/// <summary>Arithmetic over one row of logits.</summary>
internal static class Logits
{
    /// <summary>Gets the index of the largest logit; the lowest index wins a tie (as llama.cpp's greedy sampler).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        var max = logits[0];
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > max)
            {
                max = logits[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>Gets log(Σ exp(logit)), the normaliser of the log-softmax.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>Gets the <paramref name="count"/> largest logits' indices, best first; ties go to the lower index.</summary>
    public static int[] TopIndices(ReadOnlySpan<float> logits, int count)
    {
        count = Math.Min(count, logits.Length);
        var indices = new int[count];
        var values = new float[count];
        var filled = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var v = logits[i];
            if (filled == count && v <= values[count - 1])
            {
                continue;
            }

            var pos = filled < count ? filled++ : count - 1;
            while (pos > 0 && values[pos - 1] < v)
            {
                values[pos] = values[pos - 1];
                indices[pos] = indices[pos - 1];
                pos--;
            }

            values[pos] = v;
            indices[pos] = i;
        }

        return indices;
    }
}
