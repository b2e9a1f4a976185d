using System.Text;

namespace Agents.Backends.Llama.Tests.Infrastructure;

/// <summary>Copies a GGUF file with one extra string metadata entry (e.g. a chat template), tensors unchanged.</summary>
public static class GgufMetadataEditor
{
    public static void AddString(string source, string target, string key, string value)
    {
        var data = File.ReadAllBytes(source);
        using var input = new BinaryReader(new MemoryStream(data));
        input.ReadBytes(8); // magic, version
        var tensorCount = input.ReadUInt64();
        var metadataCount = input.ReadUInt64();
        var metadataStart = input.BaseStream.Position;
        var alignment = 32;
        for (ulong i = 0; i < metadataCount; i++)
        {
            var name = Encoding.UTF8.GetString(input.ReadBytes((int)input.ReadUInt64()));
            var type = input.ReadUInt32();
            if (name == "general.alignment")
            {
                alignment = (int)input.ReadUInt32();
                continue;
            }

            Skip(input, type);
        }

        var metadataEnd = input.BaseStream.Position;
        for (ulong i = 0; i < tensorCount; i++)
        {
            input.ReadBytes((int)input.ReadUInt64());
            var dimensions = input.ReadUInt32();
            input.ReadBytes((int)(dimensions * 8) + 4 + 8);
        }

        var tensorsEnd = input.BaseStream.Position;
        var dataStart = (tensorsEnd + alignment - 1) / alignment * alignment;

        using var output = new BinaryWriter(File.Create(target));
        output.Write(data, 0, 8);
        output.Write(tensorCount);
        output.Write(metadataCount + 1);
        output.Write(data, (int)metadataStart, (int)(metadataEnd - metadataStart));
        WriteString(output, key);
        output.Write(8u);
        WriteString(output, value);
        output.Write(data, (int)metadataEnd, (int)(tensorsEnd - metadataEnd));
        while (output.BaseStream.Position % alignment != 0)
        {
            output.Write((byte)0);
        }

        output.Write(data, (int)dataStart, (int)(data.Length - dataStart));
    }

    private static void WriteString(BinaryWriter output, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        output.Write((ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void Skip(BinaryReader input, uint type)
    {
        switch (type)
        {
            case 0 or 1 or 7: input.ReadByte(); break;
            case 2 or 3: input.ReadUInt16(); break;
            case 4 or 5 or 6: input.ReadUInt32(); break;
            case 10 or 11 or 12: input.ReadUInt64(); break;
            case 8: input.ReadBytes((int)input.ReadUInt64()); break;
            case 9:
                var elementType = input.ReadUInt32();
                var count = input.ReadUInt64();
                for (ulong i = 0; i < count; i++)
                {
                    Skip(input, elementType);
                }

                break;
            default: throw new InvalidDataException($"GGUF type {type}");
        }
    }
}
