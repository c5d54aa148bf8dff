using Reef.Client;

using var stop = new StopSignals();
return ReefCli.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected, stop);
