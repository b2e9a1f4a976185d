using System.Text;

namespace Agents.Backends.Llama.Tests.Infrastructure;

/// <summary>Writes a small, valid LoRA adapter GGUF for the test model (F32 low-rank pairs on attn_q and output).</summary>
public static class LoraAdapterFile
{
    private const int Alignment = 32;

    public static void Write(string path, int seed, float magnitude)
    {
        const int embedding = 8, vocabulary = 32000, rank = 2;
        var random = new Random(seed);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * magnitude)];
        var tensors = new List<(string Name, long[] Dims, float[] Data)>
        {
            ("blk.0.attn_q.weight.lora_a", [embedding, rank], Values(embedding * rank)),
            ("blk.0.attn_q.weight.lora_b", [rank, embedding], Values(rank * embedding)),
            ("output.weight.lora_a", [embedding, rank], Values(embedding * rank)),
            ("output.weight.lora_b", [rank, vocabulary], Values(rank * vocabulary)),
        };

        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        void String(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
        }

        void KeyString(string key, string value)
        {
            String(key);
            writer.Write(8u);
            String(value);
        }

        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write(4UL);
        KeyString("general.architecture", "llama");
        KeyString("general.type", "adapter");
        KeyString("adapter.type", "lora");
        String("adapter.lora.alpha");
        writer.Write(6u);
        writer.Write((float)rank);

        long offset = 0;
        var offsets = new List<long>();
        foreach (var (name, dims, data) in tensors)
        {
            String(name);
            writer.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                writer.Write((ulong)d);
            }

            writer.Write(0u); // F32
            writer.Write((ulong)offset);
            offsets.Add(offset);
            offset = Align(offset + (data.Length * 4L));
        }

        Pad(writer);
        var dataStart = stream.Position;
        for (var i = 0; i < tensors.Count; i++)
        {
            while (stream.Position < dataStart + offsets[i])
            {
                writer.Write((byte)0);
            }

            foreach (var v in tensors[i].Data)
            {
                writer.Write(v);
            }
        }
    }

    private static long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        while (writer.BaseStream.Position % Alignment != 0)
        {
            writer.Write((byte)0);
        }
    }
}
