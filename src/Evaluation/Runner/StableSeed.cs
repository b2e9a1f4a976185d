using System.Text;

namespace Agents.Evaluation;

/// <summary>Seeds derived from the run seed and a key with FNV-1a: the same on every machine and every run.</summary>
internal static class StableSeed
{
    public static int Derive(int runSeed, params string?[] parts)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{runSeed}\u0001{string.Join('\u0001', parts)}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return (int)(hash & int.MaxValue);
    }
}
