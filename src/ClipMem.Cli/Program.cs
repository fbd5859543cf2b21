Console.WriteLine("clipmem");
