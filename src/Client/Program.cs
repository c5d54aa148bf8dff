using Reef.Client;

return ReefCli.Run(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected);
