namespace Agents.Backends.Onnx.Tests;

internal static class VectorMath
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    public static double Norm(ReadOnlySpan<float> a) => Math.Sqrt(Dot(a, a));
}
