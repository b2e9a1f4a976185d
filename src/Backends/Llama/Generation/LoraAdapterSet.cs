using Agents.Backends.Llama.Loading;
using LLama;
using LLama.Exceptions;
using LLama.Native;

namespace Agents.Backends.Llama.Generation;

/// <summary>The LoRA adapters of a generator: loaded against the model, applied to the generator's context, unloaded with it.</summary>
internal sealed class LoraAdapterSet : IDisposable
{
    private readonly List<(LoraAdapter Adapter, float Scale)> _adapters = [];

    private LoraAdapterSet()
    {
    }

    public int Count => _adapters.Count;

    /// <summary>Loads every adapter in <paramref name="options"/>.</summary>
    /// <exception cref="ModelLoadException">An adapter file is missing, not GGUF, or refused by llama.cpp (e.g. made for another model).</exception>
    public static LoraAdapterSet Load(LLamaWeights weights, IEnumerable<LlamaLoraAdapterOptions> options)
    {
        var set = new LoraAdapterSet();
        try
        {
            foreach (var adapter in options)
            {
                var path = Path.GetFullPath(adapter.Path);
                var length = GgufFileCheck.Check(path);
                if (GgufTensorDataBounds.RequiredLength(path) is { } required && required > length)
                {
                    throw new ModelLoadException(
                        path, $"the adapter file is truncated: its tensors need {required} bytes but the file has {length}.")
                    {
                        Provider = LlamaGenerator.ProviderName,
                    };
                }

                using var capture = NativeLogRouter.BeginCapture();
                try
                {
                    var loaded = weights.NativeHandle.LoadLoraFromFile(path);
                    if (NativePointer(loaded) == IntPtr.Zero || capture.HasErrors)
                    {
                        throw new ModelLoadException(path, "llama.cpp refused the LoRA adapter: " + capture.Describe("no reason was logged."))
                        {
                            Provider = LlamaGenerator.ProviderName,
                        };
                    }

                    set._adapters.Add((loaded, adapter.Scale));
                }
                catch (Exception ex) when (ex is RuntimeError or InvalidOperationException)
                {
                    throw new ModelLoadException(path, "llama.cpp refused the LoRA adapter: " + capture.Describe(ex.Message), ex)
                    {
                        Provider = LlamaGenerator.ProviderName,
                    };
                }
            }
        }
        catch
        {
            set.Dispose();
            throw;
        }

        return set;
    }

    /// <summary>Applies the adapters, with their scales, to <paramref name="context"/>.</summary>
    public void ApplyTo(LLamaContext context)
    {
        if (_adapters.Count > 0)
        {
            context.NativeHandle.SetLoraAdapters(_adapters.ToArray().AsSpan());
        }
    }

    // LLamaSharp 0.30.0 keeps the native pointer internal and returns an adapter even when llama.cpp refused the file.
    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = "get_Pointer")]
    private static extern IntPtr NativePointer(LoraAdapter adapter);

    public void Dispose()
    {
        foreach (var (adapter, _) in _adapters)
        {
            adapter.Unload();
        }

        _adapters.Clear();
    }
}
