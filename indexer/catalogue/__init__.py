"""The service catalogue (政务服务事项目录): import formats, the item store, grouping and linking upkeep."""
