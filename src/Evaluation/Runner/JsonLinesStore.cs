using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agents.Evaluation;

/// <summary>
/// An append-only JSON Lines file of results, flushed after every line so a crash loses at most the line being written;
/// a torn or malformed line is ignored when the file is read back, and the next append starts on a fresh line.
/// </summary>
internal sealed class JsonLinesStore<T>(string path) : IDisposable
    where T : class
{
    internal static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public void Dispose() => _gate.Dispose();

    public IReadOnlyList<T> ReadAll()
    {
        var results = new List<T>();
        if (!File.Exists(Path))
        {
            return results;
        }

        foreach (var line in File.ReadLines(Path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<T>(line, SerializerOptions) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (JsonException)
            {
                // A line torn by a crash: that item simply runs again.
            }
        }

        return results;
    }

    public async Task AppendAsync(T result, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(result, SerializerOptions) + "\n";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    var last = stream.ReadByte();
                    if (last != '\n')
                    {
                        stream.WriteByte((byte)'\n');
                    }
                }

                stream.Seek(0, SeekOrigin.End);
                var bytes = Encoding.UTF8.GetBytes(line);
                await stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
